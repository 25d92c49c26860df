namespace Sessions.Hosting.Leases;

/// <summary>
/// The lease that lets one instance of a fleet sweep at a time. Every method is one atomic step on the shared state
/// (one conditional write on DynamoDB), judged at the caller's <c>now</c>.
/// </summary>
internal interface ISweepLease
{
    /// <summary>
    /// Takes the lease for <paramref name="owner"/> until <paramref name="now"/> + <paramref name="duration"/> when
    /// nobody holds it or its holder's tenure has lapsed, with a new fence. A lease <paramref name="owner"/> still holds
    /// is extended under the same fence.
    /// </summary>
    /// <returns>The lease as it stands: held by <paramref name="owner"/> on success, otherwise by its current holder.</returns>
    Task<SweepLease> TryTakeAsync(string owner, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Extends <paramref name="held"/> to <paramref name="now"/> + <paramref name="duration"/> if it is still this tenure
    /// (same owner and fence) and has not lapsed.
    /// </summary>
    /// <returns>The extended lease, or <see langword="null"/> when the tenure has ended.</returns>
    Task<SweepLease?> TryRenewAsync(SweepLease held, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Ends <paramref name="held"/> at once, if it is still this tenure, so another instance may take over; the fence is kept.</summary>
    Task ReleaseAsync(SweepLease held, DateTimeOffset now, CancellationToken cancellationToken);
}
