using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Amazon.Runtime;

namespace Sessions;

/// <summary>
/// The <see cref="ActivitySource"/> and <see cref="Meter"/> of the store, named <see cref="SessionDiagnostics.ActivitySourceName"/>
/// and <see cref="SessionDiagnostics.MeterName"/>, and the store's use of them: a span and a duration measurement per
/// store operation. Attributes follow the OpenTelemetry database conventions (<c>db.*</c>, <c>error.type</c>) and, on
/// DynamoDB, the AWS DynamoDB ones (<c>aws.dynamodb.table_names</c>); the library's own (<c>sessions.*</c>) say what no
/// convention does. docs/TELEMETRY.md lists every instrument, attribute and span.
/// </summary>
internal static class SessionStoreTelemetry
{
    public const string DurationInstrument = "sessions.store.operation.duration";

    // OpenTelemetry semantic conventions: database client spans and metrics, AWS DynamoDB.
    public const string SystemTag = "db.system.name";
    public const string OperationTag = "db.operation.name";
    public const string CollectionTag = "db.collection.name";
    public const string ResponseStatusCodeTag = "db.response.status_code";
    public const string ErrorTypeTag = "error.type";
    public const string TableNamesTag = "aws.dynamodb.table_names";

    // The library's own, where no convention applies.
    public const string OutcomeTag = "sessions.outcome";
    public const string SessionIdTag = "sessions.id";

    /// <summary>The <c>db.system.name</c> of the DynamoDB store: the conventions' value for Amazon DynamoDB.</summary>
    public const string DynamoDbSystem = "aws.dynamodb";

    /// <summary>The <c>db.system.name</c> of the in-memory store, for which the conventions have no value.</summary>
    public const string InMemorySystem = "sessions.in_memory";

    /// <summary>
    /// The bucket boundaries advised for every duration histogram, in seconds: 100 µs (an in-memory call) to 10 s (a
    /// DynamoDB call through the SDK's retries and back-off), about three to a decade.
    /// </summary>
    public static readonly IReadOnlyList<double> DurationBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly string? Version = typeof(SessionStoreTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource ActivitySource = new(SessionDiagnostics.ActivitySourceName, Version);

    private static readonly Meter Meter = new(SessionDiagnostics.MeterName, Version);

    private static readonly Histogram<double> Duration = Meter.CreateHistogram(
        DurationInstrument,
        unit: "s",
        description: "Duration of session store operations, including the provider's retries.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    /// <summary>The name of the exception type a failed operation reports as <c>error.type</c>: the provider's exception inside a fault.</summary>
    public static string ErrorType(Exception exception) => exception.GetType().FullName ?? exception.GetType().Name;

    /// <summary>The provider's error code of a failed operation (<c>db.response.status_code</c>), such as <c>ProvisionedThroughputExceededException</c>, if it has one.</summary>
    public static string? ResponseStatusCode(Exception exception) =>
        exception is AmazonServiceException { ErrorCode: { Length: > 0 } code } ? code : null;

    /// <summary>What one store says about itself in every span and measurement: its system and, on DynamoDB, its table.</summary>
    public sealed class Target
    {
        private readonly ConcurrentDictionary<string, string> _spanNames = new(StringComparer.Ordinal);
        private readonly string[]? _tableNames;

        /// <summary>Initializes the target of a DynamoDB store on <paramref name="tableName"/>, or of the in-memory store when it is <see langword="null"/>.</summary>
        public Target(string? tableName)
        {
            TableName = tableName;
            System = tableName is null ? InMemorySystem : DynamoDbSystem;
            Kind = tableName is null ? ActivityKind.Internal : ActivityKind.Client;
            _tableNames = tableName is null ? null : [tableName];
        }

        public string? TableName { get; }

        public string System { get; }

        /// <summary>Gets the span kind: Client for a remote database, Internal for one in this process, as the conventions advise.</summary>
        public ActivityKind Kind { get; }

        /// <summary>
        /// Starts the span of <paramref name="operation"/> on session <paramref name="sessionId"/> (if any), or returns
        /// <see langword="null"/> when nobody samples it. The attributes a sampler may look at are given at creation.
        /// </summary>
        public Activity? StartActivity(string operation, string? sessionId)
        {
            if (!ActivitySource.HasListeners())
            {
                return null;
            }

            KeyValuePair<string, object?>[] tags = _tableNames is null
                ? [new(SystemTag, System), new(OperationTag, operation)]
                : [new(SystemTag, System), new(OperationTag, operation), new(CollectionTag, TableName), new(TableNamesTag, _tableNames)];
            var activity = ActivitySource.StartActivity(SpanName(operation), Kind, parentContext: default, tags);
            if (activity is not null && sessionId is not null)
            {
                activity.SetTag(SessionIdTag, sessionId);
            }

            return activity;
        }

        /// <summary>
        /// Records the duration of <paramref name="operation"/> since <paramref name="startedTimestamp"/> and ends its
        /// span with <paramref name="outcome"/>; a failed operation (<paramref name="errorType"/> set) also gets
        /// <c>error.type</c>, the provider's error code if there is one, and the span status Error.
        /// </summary>
        public void Stop(Activity? activity, string operation, string outcome, string? errorType, string? responseStatusCode, long startedTimestamp)
        {
            if (Duration.Enabled)
            {
                var tags = new TagList
                {
                    { SystemTag, System },
                    { OperationTag, operation },
                    { OutcomeTag, outcome },
                };
                if (TableName is not null)
                {
                    tags.Add(CollectionTag, TableName);
                }

                if (errorType is not null)
                {
                    tags.Add(ErrorTypeTag, errorType);
                }

                if (responseStatusCode is not null)
                {
                    tags.Add(ResponseStatusCodeTag, responseStatusCode);
                }

                Duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tags);
            }

            if (activity is not null)
            {
                activity.SetTag(OutcomeTag, outcome);
                if (errorType is not null)
                {
                    activity.SetTag(ErrorTypeTag, errorType);
                    activity.SetTag(ResponseStatusCodeTag, responseStatusCode);
                    activity.SetStatus(ActivityStatusCode.Error, outcome);
                }
            }
        }

        /// <summary>The span name the conventions ask for: <c>{db.operation.name} {db.collection.name}</c>, or the operation alone without a table.</summary>
        private string SpanName(string operation) =>
            TableName is null ? operation : _spanNames.GetOrAdd(operation, static (op, table) => $"{op} {table}", TableName);
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
