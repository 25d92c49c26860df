namespace Sessions.Hosting.Leases;

/// <summary>
/// One tenure of the sweeper lease: who holds it, under which fencing number, and until when. Every new tenure (a
/// take-over, never a renewal) has a larger fence than any before it, so a holder that was paused past its expiry can
/// tell that its tenure ended.
/// </summary>
/// <param name="Owner">The instance that holds the lease.</param>
/// <param name="Fence">The fencing number of this tenure.</param>
/// <param name="ExpiresAt">When the lease lapses unless renewed.</param>
internal sealed record SweepLease(string Owner, long Fence, DateTimeOffset ExpiresAt)
{
    /// <summary>Whether <paramref name="owner"/> holds this lease at <paramref name="now"/>.</summary>
    public bool IsHeldBy(string owner, DateTimeOffset now) =>
        string.Equals(Owner, owner, StringComparison.Ordinal) && now < ExpiresAt;
}
