using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Sessions.Hosting;

/// <summary>
/// The spans and instruments of the sweeper and the health check, on the store's <see cref="ActivitySource"/> and
/// <see cref="Meter"/> (<see cref="SessionDiagnostics.ActivitySourceName"/>, <see cref="SessionDiagnostics.MeterName"/>),
/// so one <c>AddSource</c> and one <c>AddMeter</c> collect everything.
/// </summary>
internal static class SessionHostingTelemetry
{
    public const string SweepActivity = "ExpirySweep";
    public const string HealthCheckActivity = "HealthCheck";

    public const string SweepDurationInstrument = "sessions.sweeper.run.duration";
    public const string ExpiredInstrument = "sessions.sweeper.sessions.expired";
    public const string ReadInstrument = "sessions.sweeper.sessions.read";
    public const string FailedInstrument = "sessions.sweeper.sessions.failed";
    public const string LeaseTakenInstrument = "sessions.sweeper.lease.taken";
    public const string HealthCheckDurationInstrument = "sessions.health_check.duration";

    public const string OutcomeTag = SessionStoreTelemetry.OutcomeTag;
    public const string InstanceTag = "sessions.sweeper.instance";
    public const string FenceTag = "sessions.sweeper.fence";
    public const string ExaminedTag = "sessions.sweeper.examined";
    public const string ExpiredTag = "sessions.sweeper.expired";
    public const string FailedTag = "sessions.sweeper.failed";
    public const string HealthStatusTag = "sessions.health.status";
    public const string TableTag = SessionStoreTelemetry.TableTag;

    private static readonly Meter Meter = SessionStoreTelemetry.Meter;

    public static ActivitySource ActivitySource => SessionStoreTelemetry.ActivitySource;

    private static readonly Histogram<double> SweepDuration = Meter.CreateHistogram<double>(
        SweepDurationInstrument, unit: "s", description: "Duration of expiry sweeper runs that held the lease.");

    private static readonly Counter<long> Expired = Meter.CreateCounter<long>(
        ExpiredInstrument, unit: "{session}", description: "Sessions the expiry sweeper moved from Active to Expired.");

    private static readonly Counter<long> Read = Meter.CreateCounter<long>(
        ReadInstrument, unit: "{session}", description: "Active sessions (and unreadable items) the expiry sweeper read.");

    private static readonly Counter<long> Failed = Meter.CreateCounter<long>(
        FailedInstrument, unit: "{session}", description: "Sessions the expiry sweeper could not expire or read (a corrupt item, a provider fault); each is logged with its id.");

    private static readonly Counter<long> LeaseTaken = Meter.CreateCounter<long>(
        LeaseTakenInstrument, unit: "{lease}", description: "Times an instance took the sweeper lease over (a new fence).");

    private static readonly Histogram<double> HealthCheckDuration = Meter.CreateHistogram<double>(
        HealthCheckDurationInstrument, unit: "s", description: "Duration of session store health checks.");

    /// <summary>The outcome tag values of a sweep.</summary>
    public static class Outcomes
    {
        public const string Success = SessionStoreTelemetry.Outcomes.Success;
        public const string LeaseLost = "lease_lost";
        public const string Cancelled = SessionStoreTelemetry.Outcomes.Cancelled;
        public const string Error = SessionStoreTelemetry.Outcomes.Error;
    }

    public static void RecordSweep(string outcome, long read, long expired, long failed, long startedTimestamp)
    {
        var tag = new KeyValuePair<string, object?>(OutcomeTag, outcome);
        SweepDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tag);
        Read.Add(read, tag);
        Expired.Add(expired, tag);
        Failed.Add(failed, tag);
    }

    public static void RecordLeaseTaken() => LeaseTaken.Add(1);

    public static void RecordHealthCheck(string status, long startedTimestamp) =>
        HealthCheckDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>(HealthStatusTag, status));
}
