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
    private SweepLease? _current;

    /// <summary>Returns the one lease of <paramref name="store"/>.</summary>
    public static InMemorySweepLease For(ISessionStore store) => ByStore.GetValue(store, static _ => new InMemorySweepLease());

    public Task<SweepLease> TryTakeAsync(string owner, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_current is null || now >= _current.ExpiresAt)
            {
                _current = new SweepLease(owner, (_current?.Fence ?? 0) + 1, now + duration);
            }
            else if (string.Equals(_current.Owner, owner, StringComparison.Ordinal))
            {
                _current = _current with { ExpiresAt = now + duration };
            }

            return Task.FromResult(_current);
        }
    }

    public Task<SweepLease?> TryRenewAsync(SweepLease held, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!IsTenure(held, now))
            {
                return Task.FromResult<SweepLease?>(null);
            }

            _current = held with { ExpiresAt = now + duration };
            return Task.FromResult<SweepLease?>(_current);
        }
    }

    public Task ReleaseAsync(SweepLease held, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (IsTenure(held, now))
            {
                _current = held with { ExpiresAt = now };
            }
        }

        return Task.CompletedTask;
    }

    private bool IsTenure(SweepLease held, DateTimeOffset now) =>
        _current is not null && _current.Fence == held.Fence && _current.IsHeldBy(held.Owner, now);
}
