namespace Sessions.Hosting;

/// <summary>
/// What this instance's expiry sweeper last knew, for the health check: who holds the fleet's lease, and whether this
/// host's clock agrees with the server's. Written by the sweeper, read by the health check; each value is replaced whole.
/// </summary>
internal sealed class SweeperStatus
{
    private Snapshot _current = new(null, null, 0, null, false);

    /// <summary>Gets the latest state.</summary>
    public Snapshot Current => Volatile.Read(ref _current);

    public void Set(Snapshot snapshot) => Volatile.Write(ref _current, snapshot);

    /// <summary>One state of the sweeper.</summary>
    /// <param name="Instance">This instance's name; <see langword="null"/> before the sweeper started.</param>
    /// <param name="Holder">Who holds the lease as last seen (this instance included), or <see langword="null"/> when free or unknown.</param>
    /// <param name="Fence">The fence of the holder's tenure.</param>
    /// <param name="ClockOffset">How far the server's clock is ahead of this host's, as last measured, or <see langword="null"/>.</param>
    /// <param name="ClockSkewed">Whether this host's clock is off by more than the sweeper's <c>MaxClockSkew</c>, so it does not sweep.</param>
    internal sealed record Snapshot(string? Instance, string? Holder, long Fence, TimeSpan? ClockOffset, bool ClockSkewed);
}
