namespace Sessions.Hosting.Leases;

/// <summary>
/// One tenure of the sweeper lease, as its holder knows it: under which fence and record version it holds the lease, and
/// until when by its own monotonic clock. Every new tenure (a take, never a renewal) has a larger fence than any before it.
/// </summary>
/// <param name="Owner">The instance that holds the lease.</param>
/// <param name="Fence">The fencing number of this tenure.</param>
/// <param name="Version">The record version the holder last wrote; its next renewal or release holds only while the record still has it.</param>
/// <param name="HeldUntil">
/// The <see cref="TimeProvider.GetTimestamp"/> of the holder's clock at which its tenure ends unless renewed: the time it
/// sent its last successful write plus the lease duration. No waiter takes over before a full lease duration of its own
/// clock has passed after it saw that write, so the holder stops first.
/// </param>
internal sealed record SweepLease(string Owner, long Fence, string Version, long HeldUntil)
{
    /// <summary>Whether the tenure still holds at <paramref name="timestamp"/> of the holder's clock.</summary>
    public bool HoldsAt(long timestamp) => timestamp < HeldUntil;
}
