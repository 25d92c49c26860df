using System.Diagnostics;
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
/// (optimistic updates, so a session renewed meanwhile is left alone); the next run continues where this one stopped.
/// </summary>
/// <remarks>
/// <para>
/// Nothing it meets stops the host: a run that fails (the store, the lease or the network) is logged and tried again
/// with capped, jittered backoff, and one session it cannot expire is counted as failed while the run goes on.
/// </para>
/// <para>
/// No decision compares this host's clock with another host's. A waiter takes the lease over once the lease record has
/// not changed for the holder's lease duration on its own clock (<see cref="LeaseWatch"/>), and the holder counts its
/// tenure on its own monotonic clock from the moment it sent its last write, so it stops first. Expiry is judged by the
/// earlier of this host's clock and the server's (read off its answers), and a host whose clock is off by more than
/// <see cref="SessionExpirySweeperOptions.MaxClockSkew"/> does not sweep at all.
/// </para>
/// </remarks>
internal sealed partial class SessionExpirySweeper : BackgroundService
{
    private const int MaxPageSize = 100;
    internal const int MaxConcurrentWrites = 8;

    /// <summary>The first wait after a failed run; it doubles with each failure that follows, up to the interval.</summary>
    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    private readonly ISessionStore _store;
    private readonly ISweepLease _lease;
    private readonly SessionExpirySweeperOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SweeperStatus _status;
    private readonly string _storeName;
    private readonly LeaseWatch _watch = new();
    private SweepLease? _held;
    private string? _resumeToken;
    private int _failures;
    private (string? Owner, long Fence) _lastHolder;
    private string? _lastProblemVersion;
    private bool _clockSkewed;
    private readonly string _instance;

    public SessionExpirySweeper(
        ISessionStore store,
        ISweepLease lease,
        IOptions<SessionExpirySweeperOptions> options,
        TimeProvider? timeProvider = null,
        ILogger<SessionExpirySweeper>? logger = null,
        SweeperStatus? status = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _lease = lease;
        _options = options.Value;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _status = status ?? new SweeperStatus();
        _storeName = store is DynamoDbSessionStore dynamoDb ? $"table {dynamoDb.TableName}" : store.GetType().Name;
        InstanceName = _options.InstanceName ?? $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
        _instance = VisibleText.Escape(InstanceName);
        _status.Set(new SweeperStatus.Snapshot(InstanceName, null, 0, null, false));
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
            Log.LeaseReleased(_logger, _instance, held.Fence, _storeName);
        }
        catch (Exception ex)
        {
            // The lease then lapses on its own after one lease duration; stopping goes on.
            Log.ReleaseFailed(_logger, _instance, held.Fence, _storeName, _options.LeaseDuration, ex);
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
                    // RunOnceAsync handles its own faults; this is the last line that keeps the host alive.
                    wait = Failed(ex);
                }

                await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Takes or renews the lease and, when this instance holds it, sweeps once. Never throws but for cancellation.</summary>
    /// <returns>How long to wait before the next attempt.</returns>
    internal async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await TakeTurnAsync(cancellationToken).ConfigureAwait(false) is { } wait)
            {
                _failures = 0;
                return wait;
            }

            await SweepAsync(cancellationToken).ConfigureAwait(false);
            _failures = 0;
            return _options.Interval;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return Failed(ex);
        }
    }

    /// <summary>The wait after a failed run: 1 s, doubling with each failure in a row up to the interval, each times a jitter in [0.5, 1).</summary>
    internal static TimeSpan Backoff(int failures, TimeSpan interval, double jitter)
    {
        var doubled = FirstRetryDelay * Math.Pow(2, Math.Min(failures - 1, 30));
        return (doubled < interval ? doubled : interval) * (0.5 + (jitter / 2));
    }

    private TimeSpan Failed(Exception exception)
    {
        var wait = Backoff(++_failures, _options.Interval, Random.Shared.NextDouble());
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            Log.RunFailed(_logger, _instance, _storeName, wait, _failures, Escaped(exception.Message), exception);
        }

        return wait;
    }

    /// <summary>
    /// Renews this instance's tenure, or takes the lease when it is free or has lapsed: <see langword="null"/> when this
    /// instance now holds it, else how long to wait before looking again.
    /// </summary>
    private async Task<TimeSpan?> TakeTurnAsync(CancellationToken cancellationToken)
    {
        if (_held is not null)
        {
            await RenewAsync(cancellationToken).ConfigureAwait(false);
        }

        if (IsClockSkewed())
        {
            // Gives the lease up, and still looks at it: to name the holder, and to measure the clocks again.
            await StandDownAsync(cancellationToken).ConfigureAwait(false);
            if (await _lease.ReadAsync(cancellationToken).ConfigureAwait(false) is { } holder)
            {
                NoteHolder(holder.Owner, holder.Fence);
            }

            return _options.Interval;
        }

        if (_held is not null)
        {
            return null;
        }

        var seenAt = _time.GetTimestamp();
        var record = await _lease.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (record?.Problem is { } problem && !string.Equals(_lastProblemVersion, record.Version, StringComparison.Ordinal))
        {
            _lastProblemVersion = record.Version;
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                Log.LeaseItemMalformed(_logger, _instance, _storeName, Escaped(problem));
            }
        }

        var remaining = record is null || record.IsFree ? TimeSpan.Zero : _watch.RemainingAfter(record, seenAt, _options.LeaseDuration, _time);
        if (remaining > TimeSpan.Zero)
        {
            NoteHolder(record!.Owner, record.Fence);
            return remaining < _options.Interval ? remaining : _options.Interval;
        }

        if (IsClockSkewed())
        {
            // The read just measured the server's clock: take nothing with a clock that is off.
            return _options.Interval;
        }

        var sentAt = _time.GetTimestamp();
        if (await _lease.TryTakeAsync(InstanceName, _options.LeaseDuration, record, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is not { } grant)
        {
            // Another instance was faster; it shows at the next look.
            return _options.Interval;
        }

        _watch.Reset();
        _held = new SweepLease(InstanceName, grant.Fence, grant.Version, sentAt + ToTimestampTicks(_options.LeaseDuration));
        if (record is not { IsFree: false })
        {
            Log.LeaseTaken(_logger, _instance, _storeName, grant.Fence);
        }
        else if (_logger.IsEnabled(LogLevel.Information))
        {
            var holder = Escaped(record.Owner);
            Log.LeaseTakenOver(_logger, _instance, _storeName, grant.Fence, holder, record.Duration ?? _options.LeaseDuration);
        }

        SessionHostingTelemetry.RecordLeaseTaken();
        NoteHolder(InstanceName, grant.Fence);
        return null;
    }

    /// <summary>
    /// Renews the tenure this instance holds. A renewal whose condition fails may have followed one that was applied but
    /// whose answer was lost: the record then still names this instance and fence, and the tenure goes on from it.
    /// </summary>
    /// <returns>Whether this instance still holds the lease.</returns>
    private async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        var held = _held!;
        var sentAt = _time.GetTimestamp();
        var version = await _lease.TryRenewAsync(held, _options.LeaseDuration, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (version is null && await _lease.ReadAsync(cancellationToken).ConfigureAwait(false) is { } record
            && string.Equals(record.Owner, held.Owner, StringComparison.Ordinal) && record.Fence == held.Fence)
        {
            sentAt = _time.GetTimestamp();
            version = await _lease.TryRenewAsync(held with { Version = record.Version }, _options.LeaseDuration, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        if (version is null)
        {
            _held = null;
            Log.LeaseLost(_logger, _instance, held.Fence, _storeName);
            return false;
        }

        _held = held with { Version = version, HeldUntil = sentAt + ToTimestampTicks(_options.LeaseDuration) };
        return true;
    }

    /// <summary>Whether the server's clock, as last measured, is further from this host's than the bound; logs each change.</summary>
    private bool IsClockSkewed()
    {
        var offset = _lease.ServerClockOffset;
        var skewed = offset is { } measured && measured.Duration() > _options.MaxClockSkew;
        if (skewed != _clockSkewed)
        {
            _clockSkewed = skewed;
            if (skewed)
            {
                Log.ClockSkewed(_logger, _instance, _storeName, offset!.Value, _options.MaxClockSkew);
            }
            else
            {
                Log.ClockAgrees(_logger, _instance, _storeName, offset ?? TimeSpan.Zero);
            }
        }

        var current = _status.Current;
        _status.Set(current with { ClockOffset = offset, ClockSkewed = skewed });
        return skewed;
    }

    /// <summary>Gives the lease up, if held, so an instance with a right clock sweeps instead.</summary>
    private async Task StandDownAsync(CancellationToken cancellationToken)
    {
        if (_held is { } held)
        {
            _held = null;
            await _lease.ReleaseAsync(held, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            Log.LeaseReleased(_logger, _instance, held.Fence, _storeName);
        }
    }

    /// <summary>Logs at Information when the lease changes hands (as seen from here) and keeps the holder for the health check.</summary>
    private void NoteHolder(string? owner, long fence)
    {
        if (_lastHolder != (owner, fence))
        {
            _lastHolder = (owner, fence);
            if (_logger.IsEnabled(LogLevel.Information) && !string.Equals(owner, InstanceName, StringComparison.Ordinal))
            {
                var holder = Escaped(owner ?? "(nobody)");
                Log.LeaseHeldElsewhere(_logger, _instance, holder, fence, _storeName);
            }
        }

        _status.Set(_status.Current with { Holder = owner, Fence = fence });
    }

    /// <summary>The time expiry is judged by: this host's clock, or the server's where that is earlier, so that no session is expired before its time.</summary>
    private DateTimeOffset JudgeNow()
    {
        var now = _time.GetUtcNow();
        return _lease.ServerClockOffset is { } offset && offset < TimeSpan.Zero ? now + offset : now;
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = SessionHostingTelemetry.ActivitySource.StartActivity(SessionHostingTelemetry.SweepActivity, ActivityKind.Internal, parentContext: default,
            tags: [new(SessionHostingTelemetry.InstanceTag, InstanceName), new(SessionHostingTelemetry.FenceTag, _held!.Fence)]);

        var examined = 0;
        var expired = 0;
        var failed = 0;
        var fence = _held.Fence;
        var outcome = SessionHostingTelemetry.Outcomes.Error;
        var renewedAt = _time.GetTimestamp();
        try
        {
            var writes = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken };
            while (true)
            {
                // Renew once a third of the lease is used, so a long run never outlives its tenure.
                if (_time.GetElapsedTime(renewedAt) >= _options.LeaseDuration / 3)
                {
                    renewedAt = _time.GetTimestamp();
                    if (!await RenewAsync(cancellationToken).ConfigureAwait(false))
                    {
                        throw new LeaseLostException();
                    }
                }

                var page = new PageRequest(Math.Min(MaxPageSize, _options.MaxSessionsPerRun - examined), _resumeToken);
                SessionPage result;
                try
                {
                    result = await _store.ListByStatusAsync(SessionStatus.Active, page, cancellationToken).ConfigureAwait(false);
                }
                catch (ArgumentException) when (_resumeToken is not null)
                {
                    // The store no longer accepts the token it gave (another version of it, say): start from the top.
                    _resumeToken = null;
                    throw;
                }

                // A corrupt item is reported beside the page and counted as failed, so one bad item cannot stop a run.
                examined += result.Items.Count + result.Unreadable.Count;
                foreach (var damaged in result.Unreadable)
                {
                    failed++;
                    LogSessionFailed(damaged.SessionId ?? "(no id)", damaged);
                }

                var now = JudgeNow();
                await Parallel.ForEachAsync(result.Items.Where(s => s.Status == SessionStatus.Active && s.IsExpiredAt(now)), writes, async (session, ct) =>
                {
                    // A write after the tenure ended could overlap the next holder's run: stop instead.
                    if (_held is not { } held || !held.HoldsAt(_time.GetTimestamp()))
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
                        LogSessionFailed(session.Id, ex);
                    }
                }).ConfigureAwait(false);

                // The next page, and the next run, continue after this one, also when this run ends in a failure below.
                _resumeToken = result.ContinuationToken;
                if (_resumeToken is null || examined >= _options.MaxSessionsPerRun)
                {
                    break;
                }
            }

            outcome = SessionHostingTelemetry.Outcomes.Success;
            Log.RunCompleted(_logger, _instance, fence, _storeName, examined, expired, failed);
        }
        catch (LeaseLostException)
        {
            outcome = SessionHostingTelemetry.Outcomes.LeaseLost;
            if (_held is { } held)
            {
                Log.LeaseLost(_logger, _instance, held.Fence, _storeName);
            }

            _held = null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = SessionHostingTelemetry.Outcomes.Cancelled;
            throw;
        }
        finally
        {
            SessionHostingTelemetry.RecordSweep(outcome, examined, expired, failed, started);
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

    private void LogSessionFailed(string sessionId, Exception exception)
    {
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            Log.SessionFailed(_logger, _instance, _storeName, Escaped(sessionId), Escaped(exception.Message), exception);
        }
    }

    private long ToTimestampTicks(TimeSpan duration) => (long)(duration.TotalSeconds * _time.TimestampFrequency);

    private static string Escaped(string? text) => VisibleText.Escape(text);

    /// <summary>The tenure ended during a run (renewal refused, or the lease lapsed before a write).</summary>
    private sealed class LeaseLostException : Exception
    {
    }
}
