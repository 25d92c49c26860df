using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Sessions.Hosting;

/// <summary>
/// The spans and instruments of the sweeper and the health check. They use an <see cref="ActivitySource"/> and a
/// <see cref="Meter"/> of the same names as the store's (<see cref="SessionDiagnostics.ActivitySourceName"/>,
/// <see cref="SessionDiagnostics.MeterName"/>), so one <c>AddSource</c> and one <c>AddMeter</c> collect everything.
/// docs/TELEMETRY.md lists them.
/// </summary>
internal static class SessionHostingTelemetry
{
    public const string SweepActivity = "ExpirySweep";
    public const string HealthCheckActivity = "HealthCheck";

    public const string SweepDurationInstrument = "sessions.sweeper.run.duration";
    public const string ReadInstrument = "sessions.sweeper.sessions.read";
    public const string ExpiredInstrument = "sessions.sweeper.sessions.expired";
    public const string FailedInstrument = "sessions.sweeper.sessions.failed";
    public const string LeaseTakenInstrument = "sessions.sweeper.lease.taken";
    public const string HealthCheckDurationInstrument = "sessions.health_check.duration";

    /// <summary>The store's outcome attribute, which a sweep's span and measurements share.</summary>
    public const string OutcomeTag = "sessions.outcome";
    public const string InstanceTag = "sessions.sweeper.instance";
    public const string FenceTag = "sessions.sweeper.fence";
    public const string ExaminedTag = "sessions.sweeper.examined";
    public const string ExpiredTag = "sessions.sweeper.expired";
    public const string FailedTag = "sessions.sweeper.failed";
    public const string HealthStatusTag = "sessions.health.status";

    /// <summary>The table a health check describes: the database conventions' <c>db.collection.name</c>.</summary>
    public const string TableTag = "db.collection.name";

    /// <summary>Bucket boundaries of the health check's duration, in seconds: 100 µs to 10 s, as the store's.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Bucket boundaries of a sweep's duration, in seconds: those of the store, then up to 2 minutes, the default lease.</summary>
    public static readonly IReadOnlyList<double> SweepDurationBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    private static readonly string? Version = typeof(SessionHostingTelemetry).Assembly.GetName().Version?.ToString();

    private static readonly Meter Meter = new(SessionDiagnostics.MeterName, Version);

    public static ActivitySource ActivitySource { get; } = new(SessionDiagnostics.ActivitySourceName, Version);

    private static readonly Histogram<double> SweepDuration = Meter.CreateHistogram(
        SweepDurationInstrument, unit: "s", description: "Duration of expiry sweeper runs that held the lease.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SweepDurationBuckets });

    private static readonly Counter<long> Read = Meter.CreateCounter<long>(
        ReadInstrument, unit: "{session}", description: "Active sessions the expiry sweeper read (unreadable items included).");

    private static readonly Counter<long> Expired = Meter.CreateCounter<long>(
        ExpiredInstrument, unit: "{session}", description: "Sessions the expiry sweeper moved from Active to Expired.");

    private static readonly Counter<long> Failed = Meter.CreateCounter<long>(
        FailedInstrument, unit: "{session}", description: "Sessions the expiry sweeper could not expire or read (a corrupt item, a provider fault); each is logged with its id.");

    private static readonly Counter<long> LeaseTaken = Meter.CreateCounter<long>(
        LeaseTakenInstrument, unit: "{lease}", description: "Times an instance took the sweeper lease over (a new fence).");

    private static readonly Histogram<double> HealthCheckDuration = Meter.CreateHistogram(
        HealthCheckDurationInstrument, unit: "s", description: "Duration of session store health checks.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    /// <summary>The outcome tag values of a sweep.</summary>
    public static class Outcomes
    {
        public const string Success = "success";
        public const string LeaseLost = "lease_lost";
        public const string Cancelled = "cancelled";
        public const string Error = "error";
    }

    /// <summary>
    /// Records one sweep that held the lease: its duration since <paramref name="startedTimestamp"/>, and how many
    /// sessions it read, expired and failed on, each tagged with the run's <paramref name="outcome"/>.
    /// </summary>
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
