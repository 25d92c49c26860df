namespace Sessions;

/// <summary>Bulk maintenance built on <see cref="ISessionStore"/>, so it works the same on every store.</summary>
public static class SessionStoreMaintenanceExtensions
{
    /// <summary>How many writes a maintenance run keeps in flight at once.</summary>
    private const int MaxConcurrentWrites = 8;

    /// <summary>
    /// Revokes every Active session of <paramref name="user"/>, a page at a time. Sessions that leave Active meanwhile
    /// (revoked, expired or deleted by someone else) are skipped, not counted.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="user">The user whose sessions to revoke.</param>
    /// <param name="revokedBy">Who revokes them.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">Stops the run between writes; sessions already revoked stay revoked.</param>
    /// <returns>How many sessions this call revoked.</returns>
    public static Task<int> RevokeAllForUserAsync(this ISessionStore store, string user, string revokedBy, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        SessionArguments.ThrowIfInvalidKey(user);
        SessionArguments.ThrowIfInvalidRevoker(revokedBy, reason);

        return ForEachPageAsync(
            (page, ct) => store.ListByUserAsync(user, page, ct),
            static s => s.Status == SessionStatus.Active,
            (s, ct) => store.RevokeAsync(s.Id, revokedBy, reason, ct),
            cancellationToken);
    }

    /// <summary>
    /// Expires every Active session whose <see cref="ServerSession.ExpiresAt"/> is at or before <paramref name="now"/>,
    /// a page at a time. Each write is an optimistic update, so a session renewed meanwhile is left alone.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="now">The time to compare ExpiresAt with.</param>
    /// <param name="cancellationToken">Stops the run between writes.</param>
    /// <returns>How many sessions this call expired.</returns>
    public static Task<int> ExpireStaleAsync(this ISessionStore store, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);

        return ForEachPageAsync(
            (page, ct) => store.ListByStatusAsync(SessionStatus.Active, page, ct),
            s => s.Status == SessionStatus.Active && s.IsExpiredAt(now),
            (s, ct) => store.UpdateAsync(s.Expire(now), ct),
            cancellationToken);
    }

    private static async Task<int> ForEachPageAsync(
        Func<PageRequest, CancellationToken, Task<SessionPage>> list,
        Func<ServerSession, bool> selects,
        Func<ServerSession, CancellationToken, Task> change,
        CancellationToken cancellationToken)
    {
        var changed = 0;
        var page = PageRequest.First;
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken };
        while (true)
        {
            var result = await list(page, cancellationToken).ConfigureAwait(false);
            await Parallel.ForEachAsync(result.Items.Where(selects), options, async (session, ct) =>
            {
                try
                {
                    await change(session, ct).ConfigureAwait(false);
                    Interlocked.Increment(ref changed);
                }
                catch (Exception ex) when (ex is SessionNotActiveException or SessionNotFoundException or SessionConcurrencyException or InvalidSessionTransitionException)
                {
                    // Someone else changed or removed the session since the page was read: nothing to do.
                }
            }).ConfigureAwait(false);

            if (result.ContinuationToken is null)
            {
                return changed;
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }
    }
}
