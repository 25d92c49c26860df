using System.Globalization;
using System.Runtime.CompilerServices;

namespace Sessions.Hosting.Leases;

/// <summary>
/// The lease of a store that lives in one process (the in-memory store, or any store without a shared lease): one
/// lease per store instance, so the sweepers of one process that share a store take turns like a fleet would.
/// </summary>
internal sealed class InMemorySweepLease : ISweepLease
{
    private static readonly ConditionalWeakTable<ISessionStore, InMemorySweepLease> ByStore = [];

    private readonly Lock _lock = new();
    private LeaseRecord? _current;
    private long _versions;

    /// <summary>Returns the one lease of <paramref name="store"/>.</summary>
    public static InMemorySweepLease For(ISessionStore store) => ByStore.GetValue(store, static _ => new InMemorySweepLease());

    /// <inheritdoc />
    public TimeSpan? ServerClockOffset => null;

    public Task<LeaseRecord?> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(_current);
        }
    }

    public Task<LeaseGrant?> TryTakeAsync(string owner, TimeSpan duration, LeaseRecord? seen, DateTimeOffset wallNow, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!string.Equals(_current?.Version, seen?.Version, StringComparison.Ordinal))
            {
                return Task.FromResult<LeaseGrant?>(null);
            }

            _current = new LeaseRecord(owner, (_current?.Fence ?? 0) + 1, NextVersion(), duration);
            return Task.FromResult<LeaseGrant?>(new LeaseGrant(_current.Fence, _current.Version));
        }
    }

    public Task<string?> TryRenewAsync(SweepLease held, TimeSpan duration, DateTimeOffset wallNow, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!IsTenure(held))
            {
                return Task.FromResult<string?>(null);
            }

            _current = _current! with { Version = NextVersion(), Duration = duration };
            return Task.FromResult<string?>(_current.Version);
        }
    }

    public Task ReleaseAsync(SweepLease held, DateTimeOffset wallNow, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (IsTenure(held))
            {
                _current = _current! with { Owner = null, Version = NextVersion() };
            }
        }

        return Task.CompletedTask;
    }

    private bool IsTenure(SweepLease held) =>
        _current is { } current
        && string.Equals(current.Owner, held.Owner, StringComparison.Ordinal)
        && current.Fence == held.Fence
        && string.Equals(current.Version, held.Version, StringComparison.Ordinal);

    private string NextVersion() => (++_versions).ToString(CultureInfo.InvariantCulture);
}
