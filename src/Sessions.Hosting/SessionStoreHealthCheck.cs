using System.Diagnostics;
using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sessions.Diagnostics;
using Sessions.DynamoDb;
using Sessions.InMemory;

namespace Sessions.Hosting;

/// <summary>
/// Checks the session table with one <c>DescribeTable</c>: Healthy when it and its four indexes are ACTIVE; Degraded
/// when DynamoDB throttles the request or the table or an index is being updated; the registration's failure status,
/// naming the table, when the table is missing, lacks an index, or does not answer within the timeout. Stores other
/// than DynamoDB keep their sessions in the process and are Healthy. A result is reused for
/// <see cref="SessionStoreHealthCheckOptions.CacheDuration"/>, and checks that arrive together share one request, so a
/// flood of health probes costs DynamoDB's control plane at most one <c>DescribeTable</c> per period. Where the expiry
/// sweeper runs, the result names the lease holder, and a host whose clock is off (so that it does not sweep) is Degraded.
/// On a global table, a replica or witness Region whose status is not ACTIVE makes an ACTIVE table Degraded, naming the
/// Region and its status; the result's data lists the Regions (<c>table.regions</c>, <c>table.replicas</c>, ...).
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
    private readonly SweeperStatus? _sweeper;
    private readonly HealthResultCache _cache;

    public SessionStoreHealthCheck(
        ISessionStore store,
        SessionStoreHealthCheckOptions options,
        TimeProvider? timeProvider = null,
        ILogger<SessionStoreHealthCheck>? logger = null,
        SweeperStatus? sweeper = null,
        HealthResultCache? cache = null)
    {
        _store = store;
        _timeout = options.Timeout;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _sweeper = sweeper;
        _cache = cache ?? new HealthResultCache(options.CacheDuration);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_store is not DynamoDbSessionStore dynamoDb)
        {
            return WithSweeper(HealthCheckResult.Healthy(_store is InMemorySessionStore ? "The in-memory session store is in this process." : $"{_store.GetType().Name} has no remote table to check."));
        }

        var failureStatus = context.Registration.FailureStatus;
        var result = await _cache.GetAsync(_time, () => CheckAsync(dynamoDb, failureStatus), cancellationToken).ConfigureAwait(false);
        return WithSweeper(result);
    }

    /// <summary>Adds what the sweeper of this host knows: the lease holder, and Degraded when this host's clock is off.</summary>
    private HealthCheckResult WithSweeper(HealthCheckResult result)
    {
        if (_sweeper?.Current is not { Instance: not null } sweeper)
        {
            return result;
        }

        var data = new Dictionary<string, object>(result.Data, StringComparer.Ordinal)
        {
            ["sweeper.instance"] = sweeper.Instance,
            ["sweeper.lease_holder"] = sweeper.Holder ?? "(nobody)",
            ["sweeper.lease_fence"] = sweeper.Fence,
        };
        if (sweeper.ClockOffset is { } offset)
        {
            data["sweeper.clock_offset_seconds"] = Math.Round(offset.TotalSeconds, 3);
        }

        if (sweeper.ClockSkewed && result.Status == HealthStatus.Healthy)
        {
            return HealthCheckResult.Degraded(
                $"{result.Description} This host's clock is {sweeper.ClockOffset?.Negate():c} off the server's, so its expiry sweeper does not sweep.", result.Exception, data);
        }

        return new HealthCheckResult(result.Status, result.Description, result.Exception, data);
    }

    private async Task<HealthCheckResult> CheckAsync(DynamoDbSessionStore dynamoDb, HealthStatus failureStatus)
    {
        var started = Stopwatch.GetTimestamp();
        var table = dynamoDb.TableName;
        using var activity = SessionHostingTelemetry.ActivitySource.StartActivity(SessionHostingTelemetry.HealthCheckActivity, ActivityKind.Client);
        activity?.SetTag(SessionHostingTelemetry.TableTag, table);

        // Shared by every caller that arrives while it runs: it ends by its own timeout, never by one caller giving up.
        var result = await CheckTableAsync(dynamoDb.Client, table, failureStatus, CancellationToken.None).ConfigureAwait(false);

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
        var data = RegionData(described);
        var indexes = (described.GlobalSecondaryIndexes ?? []).ToDictionary(index => index.IndexName, StringComparer.Ordinal);
        var missing = Indexes.Where(name => !indexes.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            return new HealthCheckResult(failureStatus, $"Session table '{table}' lacks the index(es) {string.Join(", ", missing)}.", data: data);
        }

        if (described.TableStatus == TableStatus.UPDATING || indexes.Values.Any(index => index.IndexStatus != IndexStatus.ACTIVE))
        {
            return HealthCheckResult.Degraded($"Session table '{table}' or one of its indexes is being updated ({described.TableStatus}).", data: data);
        }

        if (described.TableStatus != TableStatus.ACTIVE)
        {
            return new HealthCheckResult(failureStatus, $"Session table '{table}' is {described.TableStatus}.", data: data);
        }

        var inactive = (described.Replicas ?? []).Where(r => r.ReplicaStatus != ReplicaStatus.ACTIVE).Select(r => $"replica {r.RegionName} is {r.ReplicaStatus}")
            .Concat((described.GlobalTableWitnesses ?? []).Where(w => w.WitnessStatus != WitnessStatus.ACTIVE).Select(w => $"witness {w.RegionName} is {w.WitnessStatus}"))
            .ToList();
        return inactive.Count > 0
            ? HealthCheckResult.Degraded(VisibleText.Escape($"Session table '{table}' is ACTIVE, but not every Region of the global table is: {string.Join(", ", inactive)}."), data: data)
            : HealthCheckResult.Healthy($"Session table '{table}' is ACTIVE with its {Indexes.Length} indexes{(described.Replicas is { Count: > 0 } ? " and every Region" : string.Empty)}.", data);
    }

    /// <summary>
    /// The table's Regions as DescribeTable reports them: <c>table.regions</c> is <c>single Region</c> or <c>global table</c>,
    /// and a global table adds <c>table.replicas</c> and <c>table.witnesses</c> (each entry the Region and its status) and,
    /// where reported, <c>table.multi_region_consistency</c>. Text from the answer is escaped.
    /// </summary>
    private static Dictionary<string, object> RegionData(TableDescription described)
    {
        var replicas = (described.Replicas ?? []).Select(r => VisibleText.Escape($"{r.RegionName} {r.ReplicaStatus}")).ToArray();
        var witnesses = (described.GlobalTableWitnesses ?? []).Select(w => VisibleText.Escape($"{w.RegionName} {w.WitnessStatus}")).ToArray();
        if (replicas.Length == 0 && witnesses.Length == 0)
        {
            return new(StringComparer.Ordinal) { ["table.regions"] = "single Region" };
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["table.regions"] = "global table",
            ["table.replicas"] = replicas,
            ["table.witnesses"] = witnesses,
        };
        if (described.MultiRegionConsistency is { } mode)
        {
            data["table.multi_region_consistency"] = VisibleText.Escape(mode.Value);
        }

        return data;
    }
}
