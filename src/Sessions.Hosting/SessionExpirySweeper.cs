using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sessions.Diagnostics;
using Sessions.DynamoDb;
using Sessions.Hosting.Leases;

namespace Sessions.Hosting;

/// <summary>
/// Expires stale sessions in the background: after a random start delay, every <see cref="SessionExpirySweeperOptions.Interval"/>
/// it takes or renews the fleet's lease and, while it holds it, reads at most
/// <see cref="SessionExpirySweeperOptions.MaxSessionsPerRun"/> Active sessions and expires those past their ExpiresAt
/// (optimistic updates, so a session renewed meanwhile is left alone). An instance without the lease waits until the
/// holder's lease lapses or its next interval, whichever comes first, so a dead holder is replaced within one lease
/// period. Stopping ends the run between writes and releases the lease.
/// </summary>
internal sealed partial class SessionExpirySweeper : BackgroundService
{
    private const int MaxPageSize = 100;
    internal const int MaxConcurrentWrites = 8;

    private readonly ISessionStore _store;
    private readonly ISweepLease _lease;
    private readonly SessionExpirySweeperOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _storeName;
    private SweepLease? _held;
    private string? _resumeToken;

    public SessionExpirySweeper(
        ISessionStore store,
        ISweepLease lease,
        IOptions<SessionExpirySweeperOptions> options,
        TimeProvider? timeProvider = null,
        ILogger<SessionExpirySweeper>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _lease = lease;
        _options = options.Value;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _storeName = store is DynamoDbSessionStore dynamoDb ? $"table {dynamoDb.TableName}" : store.GetType().Name;
        InstanceName = _options.InstanceName ?? $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
    }

    /// <summary>Gets the name this instance holds the lease under.</summary>
    public string InstanceName { get; }

    /// <summary>Ends the current run, waits for it, and releases the lease so another instance can take over at once.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_held is not { } held)
        {
            return;
        }

        _held = null;
        try
        {
            await _lease.ReleaseAsync(held, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            Log.LeaseReleased(_logger, InstanceName, held.Fence, _storeName);
        }
        catch (Exception ex) when (ex is SessionStoreException or OperationCanceledException)
        {
            Log.ReleaseFailed(_logger, InstanceName, held.Fence, _storeName, held.ExpiresAt, ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var startDelay = _options.MaxStartDelay * Random.Shared.NextDouble();
            await Task.Delay(startDelay, _time, stoppingToken).ConfigureAwait(false);
            while (true)
            {
                TimeSpan wait;
                try
                {
                    wait = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // No fault of the store, the lease or the network may stop the host: log it and try again later.
                    _held = null;
                    Log.RunFailed(_logger, InstanceName, _storeName, _options.Interval, ex);
                    wait = _options.Interval;
                }

                await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Takes or renews the lease and, when this instance holds it, sweeps once.</summary>
    /// <returns>How long to wait before the next attempt.</returns>
    internal async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        SweepLease lease;
        try
        {
            lease = await AcquireAsync(now, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionStoreException ex)
        {
            _held = null;
            Log.RunFailed(_logger, InstanceName, _storeName, _options.Interval, ex);
            return _options.Interval;
        }

        if (!lease.IsHeldBy(InstanceName, now))
        {
            _held = null;
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var holder = VisibleText.Escape(lease.Owner);
                Log.LeaseHeldElsewhere(_logger, InstanceName, holder, _storeName, lease.ExpiresAt);
            }

            var untilLapse = lease.ExpiresAt - now;
            return untilLapse > TimeSpan.Zero && untilLapse < _options.Interval ? untilLapse : _options.Interval;
        }

        if (_held?.Fence != lease.Fence)
        {
            Log.LeaseTaken(_logger, InstanceName, _storeName, lease.Fence);
            SessionHostingTelemetry.RecordLeaseTaken();
        }

        _held = lease;
        await SweepAsync(now, cancellationToken).ConfigureAwait(false);
        return _options.Interval;
    }

    private async Task<SweepLease> AcquireAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_held is { } held && await _lease.TryRenewAsync(held, _options.LeaseDuration, now, cancellationToken).ConfigureAwait(false) is { } renewed)
        {
            return renewed;
        }

        return await _lease.TryTakeAsync(InstanceName, _options.LeaseDuration, now, cancellationToken).ConfigureAwait(false);
    }

    private async Task SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = SessionHostingTelemetry.ActivitySource.StartActivity(SessionHostingTelemetry.SweepActivity, ActivityKind.Internal, parentContext: default,
            tags: [new(SessionHostingTelemetry.InstanceTag, InstanceName), new(SessionHostingTelemetry.FenceTag, _held!.Fence)]);

        var examined = 0;
        var expired = 0;
        var failed = 0;
        var outcome = SessionHostingTelemetry.Outcomes.Error;
        var renewedAt = now;
        try
        {
            var writes = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken };
            while (true)
            {
                // Renew once a third of the lease is used, so a long run never outlives its tenure.
                var current = _time.GetUtcNow();
                if (current - renewedAt >= _options.LeaseDuration / 3)
                {
                    _held = await _lease.TryRenewAsync(_held!, _options.LeaseDuration, current, cancellationToken).ConfigureAwait(false)
                        ?? throw new LeaseLostException();
                    renewedAt = current;
                }

                var page = new PageRequest(Math.Min(MaxPageSize, _options.MaxSessionsPerRun - examined), _resumeToken);
                // A corrupt item is reported beside the page and counted as failed, so one bad item cannot stop every run.
                var result = await _store.ListByStatusAsync(SessionStatus.Active, page, cancellationToken).ConfigureAwait(false);
                examined += result.Items.Count + result.Unreadable.Count;
                foreach (var damaged in result.Unreadable)
                {
                    failed++;
                    Log.SessionFailed(_logger, InstanceName, _storeName, VisibleText.Escape(damaged.SessionId ?? "(no id)"), damaged);
                }

                await Parallel.ForEachAsync(result.Items.Where(s => s.Status == SessionStatus.Active && s.IsExpiredAt(now)), writes, async (session, ct) =>
                {
                    // A write after the tenure ended could overlap the next holder's run: stop instead.
                    if (_held is not { } held || !held.IsHeldBy(InstanceName, _time.GetUtcNow()))
                    {
                        throw new LeaseLostException();
                    }

                    try
                    {
                        await _store.UpdateAsync(session.Expire(now), ct).ConfigureAwait(false);
                        Interlocked.Increment(ref expired);
                    }
                    catch (Exception ex) when (ex is SessionNotActiveException or SessionNotFoundException or SessionConcurrencyException or InvalidSessionTransitionException)
                    {
                        // Changed or removed by someone else since the page was read: nothing to do.
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
                    {
                        // This one session cannot be expired (a provider fault, a value the store refuses): go on with the others.
                        Interlocked.Increment(ref failed);
                        Log.SessionFailed(_logger, InstanceName, _storeName, VisibleText.Escape(session.Id), ex);
                    }
                }).ConfigureAwait(false);

                _resumeToken = result.ContinuationToken;
                if (_resumeToken is null || examined >= _options.MaxSessionsPerRun)
                {
                    break;
                }
            }

            outcome = SessionHostingTelemetry.Outcomes.Success;
            Log.RunCompleted(_logger, InstanceName, _held!.Fence, _storeName, examined, expired, failed);
        }
        catch (LeaseLostException)
        {
            outcome = SessionHostingTelemetry.Outcomes.LeaseLost;
            Log.LeaseLost(_logger, InstanceName, _held?.Fence ?? 0, _storeName);
            _held = null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = SessionHostingTelemetry.Outcomes.Cancelled;
            throw;
        }
        catch (Exception ex) when (ex is SessionStoreException or ArgumentException)
        {
            // A provider fault, or a resume token the store no longer accepts: start from the top next time.
            _resumeToken = null;
            Log.RunFailed(_logger, InstanceName, _storeName, _options.Interval, ex);
        }
        finally
        {
            SessionHostingTelemetry.RecordSweep(outcome, expired, started);
            if (activity is not null)
            {
                activity.SetTag(SessionHostingTelemetry.ExaminedTag, examined);
                activity.SetTag(SessionHostingTelemetry.ExpiredTag, expired);
                activity.SetTag(SessionHostingTelemetry.FailedTag, failed);
                activity.SetTag(SessionHostingTelemetry.OutcomeTag, outcome);
                if (outcome is not SessionHostingTelemetry.Outcomes.Success)
                {
                    activity.SetStatus(ActivityStatusCode.Error, outcome);
                }
            }
        }
    }

    /// <summary>The tenure ended during a run (renewal refused, or the lease lapsed before a write).</summary>
    private sealed class LeaseLostException : Exception
    {
    }
}
