namespace Sessions.Hosting.Leases;

/// <summary>
/// The lease that lets one instance of a fleet sweep at a time. Every write is one atomic step on the shared record (one
/// conditional write on DynamoDB) that changes its record version; no step compares one host's clock with another's.
/// </summary>
internal interface ISweepLease
{
    /// <summary>
    /// Gets how far the clock of the server that keeps the lease is ahead of the caller's (negative: behind), as measured on
    /// its last answer, or <see langword="null"/> when the lease lives in this process or no answer said.
    /// </summary>
    TimeSpan? ServerClockOffset { get; }

    /// <summary>Reads the lease record (strongly consistent).</summary>
    /// <returns>The record, or <see langword="null"/> when there is none yet.</returns>
    Task<LeaseRecord?> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lease for <paramref name="owner"/> with a fence one larger than <paramref name="seen"/>'s, on condition that
    /// the record is still exactly as <paramref name="seen"/> (none at all when <see langword="null"/>).
    /// </summary>
    /// <param name="owner">The instance taking the lease.</param>
    /// <param name="duration">How long its tenure lasts after each write; waiters read it from the record.</param>
    /// <param name="seen">The record as read, or <see langword="null"/> when there was none.</param>
    /// <param name="wallNow">The caller's wall clock, stored for people reading the item only.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new tenure's fence and record version, or <see langword="null"/> when the record changed meanwhile.</returns>
    Task<LeaseGrant?> TryTakeAsync(string owner, TimeSpan duration, LeaseRecord? seen, DateTimeOffset wallNow, CancellationToken cancellationToken);

    /// <summary>Renews <paramref name="held"/> with a new record version, if the record still holds its owner, fence and version.</summary>
    /// <returns>The new record version, or <see langword="null"/> when the tenure has ended (taken over, released).</returns>
    Task<string?> TryRenewAsync(SweepLease held, TimeSpan duration, DateTimeOffset wallNow, CancellationToken cancellationToken);

    /// <summary>Frees the lease at once, if the record still holds <paramref name="held"/>'s owner, fence and version; the fence is kept.</summary>
    Task ReleaseAsync(SweepLease held, DateTimeOffset wallNow, CancellationToken cancellationToken);
}

/// <summary>A tenure just taken: its fencing number and the record version written with it.</summary>
/// <param name="Fence">The fencing number, larger than any before.</param>
/// <param name="Version">The record version written.</param>
internal sealed record LeaseGrant(long Fence, string Version);
