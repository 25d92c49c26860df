using System.Diagnostics;
using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sessions.DynamoDb;
using Sessions.InMemory;

namespace Sessions.Hosting;

/// <summary>
/// Checks the session table with one <c>DescribeTable</c>: Healthy when it and its four indexes are ACTIVE; Degraded
/// when DynamoDB throttles the request or the table or an index is being updated; the registration's failure status,
/// naming the table, when the table is missing, lacks an index, or does not answer within the timeout. Stores other
/// than DynamoDB keep their sessions in the process and are Healthy.
/// </summary>
internal sealed partial class SessionStoreHealthCheck : IHealthCheck
{
    private static readonly string[] Indexes = [SessionTable.UserIndex, SessionTable.StatusIndex, SessionTable.ProfileIndex, SessionTable.ServerInstanceIndex];

    private static readonly HashSet<string> ThrottlingErrors = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded", "LimitExceededException", "TooManyRequestsException",
    };

    private readonly ISessionStore _store;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SessionStoreHealthCheck(ISessionStore store, SessionStoreHealthCheckOptions options, TimeProvider? timeProvider = null, ILogger<SessionStoreHealthCheck>? logger = null)
    {
        _store = store;
        _timeout = options.Timeout;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_store is not DynamoDbSessionStore dynamoDb)
        {
            return HealthCheckResult.Healthy(_store is InMemorySessionStore ? "The in-memory session store is in this process." : $"{_store.GetType().Name} has no remote table to check.");
        }

        var started = Stopwatch.GetTimestamp();
        var table = dynamoDb.TableName;
        using var activity = SessionHostingTelemetry.ActivitySource.StartActivity(SessionHostingTelemetry.HealthCheckActivity, ActivityKind.Client);
        activity?.SetTag(SessionHostingTelemetry.TableTag, table);

        var result = await CheckTableAsync(dynamoDb.Client, table, context.Registration.FailureStatus, cancellationToken).ConfigureAwait(false);

        var status = result.Status.ToString().ToLowerInvariant();
        SessionHostingTelemetry.RecordHealthCheck(status, started);
        activity?.SetTag(SessionHostingTelemetry.HealthStatusTag, status);
        if (result.Status != HealthStatus.Healthy)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Description);
        }

        Log.Checked(_logger, table, status, result.Description ?? string.Empty, result.Exception);
        return result;
    }

    private async Task<HealthCheckResult> CheckTableAsync(IAmazonDynamoDB client, string table, HealthStatus failureStatus, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var response = await client.DescribeTableAsync(new DescribeTableRequest { TableName = table }, linked.Token).ConfigureAwait(false);
            return Judge(response.Table, failureStatus);
        }
        catch (ResourceNotFoundException ex)
        {
            return new HealthCheckResult(failureStatus, $"Session table '{table}' does not exist.", ex);
        }
        catch (AmazonServiceException ex) when (ThrottlingErrors.Contains(ex.ErrorCode ?? string.Empty) || ex.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return HealthCheckResult.Degraded($"Session table '{table}' is throttled: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failureStatus, $"Session table '{table}' did not answer within {_timeout.TotalSeconds:0.###} s.", ex);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            return new HealthCheckResult(failureStatus, $"Session table '{table}' is unreachable: {ex.Message}", ex);
        }
    }

    private static HealthCheckResult Judge(TableDescription described, HealthStatus failureStatus)
    {
        var table = described.TableName;
        var indexes = (described.GlobalSecondaryIndexes ?? []).ToDictionary(index => index.IndexName, StringComparer.Ordinal);
        var missing = Indexes.Where(name => !indexes.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            return new HealthCheckResult(failureStatus, $"Session table '{table}' lacks the index(es) {string.Join(", ", missing)}.");
        }

        if (described.TableStatus == TableStatus.UPDATING || indexes.Values.Any(index => index.IndexStatus != IndexStatus.ACTIVE))
        {
            return HealthCheckResult.Degraded($"Session table '{table}' or one of its indexes is being updated ({described.TableStatus}).");
        }

        return described.TableStatus == TableStatus.ACTIVE
            ? HealthCheckResult.Healthy($"Session table '{table}' is ACTIVE with its {Indexes.Length} indexes.")
            : new HealthCheckResult(failureStatus, $"Session table '{table}' is {described.TableStatus}.");
    }
}
