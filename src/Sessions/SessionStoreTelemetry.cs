using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Sessions;

/// <summary>
/// The <see cref="ActivitySource"/> and <see cref="Meter"/> of the Sessions packages, named
/// <see cref="SessionDiagnostics.ActivitySourceName"/> and <see cref="SessionDiagnostics.MeterName"/>, and the store's use
/// of them: a span and a duration measurement per store operation, tagged with the operation and its outcome. The
/// hosting package's sweeper and health check record on the same two (<c>SessionHostingTelemetry</c>).
/// </summary>
internal static class SessionStoreTelemetry
{
    public const string DurationInstrument = "sessions.store.operation.duration";
    public const string OperationTag = "sessions.operation";
    public const string OutcomeTag = "sessions.outcome";
    public const string TableTag = "aws.dynamodb.table_names";
    public const string SessionIdTag = "sessions.id";

    private static readonly string? Version = typeof(SessionStoreTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource ActivitySource = new(SessionDiagnostics.ActivitySourceName, Version);

    internal static readonly Meter Meter = new(SessionDiagnostics.MeterName, Version);

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        DurationInstrument,
        unit: "s",
        description: "Duration of session store operations, including the provider's retries.");

    public static Activity? StartActivity(string operation, string? table, string? sessionId)
    {
        var activity = ActivitySource.StartActivity(operation, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag(OperationTag, operation);
            if (table is not null)
            {
                activity.SetTag(TableTag, table);
            }

            if (sessionId is not null)
            {
                activity.SetTag(SessionIdTag, sessionId);
            }
        }

        return activity;
    }

    public static void Stop(Activity? activity, string operation, string outcome, long startedTimestamp)
    {
        if (Duration.Enabled)
        {
            Duration.Record(
                Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds,
                new KeyValuePair<string, object?>(OperationTag, operation),
                new KeyValuePair<string, object?>(OutcomeTag, outcome));
        }

        if (activity is not null)
        {
            activity.SetTag(OutcomeTag, outcome);
            if (outcome is not Outcomes.Success)
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome);
            }
        }
    }

    /// <summary>The outcome tag values.</summary>
    public static class Outcomes
    {
        public const string Success = "success";
        public const string NotFound = "not_found";
        public const string AlreadyExists = "already_exists";
        public const string Conflict = "conflict";
        public const string Revoked = "revoked";
        public const string Expired = "expired";
        public const string InvalidTransition = "invalid_transition";
        public const string Cancelled = "cancelled";
        public const string Error = "error";

        public static string Of(Exception exception) => exception switch
        {
            SessionNotFoundException => NotFound,
            SessionAlreadyExistsException => AlreadyExists,
            SessionConcurrencyException => Conflict,
            SessionRevokedException => Revoked,
            SessionExpiredException => Expired,
            InvalidSessionTransitionException => InvalidTransition,
            OperationCanceledException => Cancelled,
            _ => Error,
        };
    }
}
