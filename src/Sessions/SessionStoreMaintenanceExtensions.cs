using System.Collections.Concurrent;

namespace Sessions;

/// <summary>Bulk maintenance built on <see cref="ISessionStore"/>, so it works the same on every store.</summary>
public static class SessionStoreMaintenanceExtensions
{
    /// <summary>How many writes a maintenance run keeps in flight at once.</summary>
    private const int MaxConcurrentWrites = 8;

    /// <summary>
    /// Revokes every Active session of <paramref name="user"/>, a page at a time. Sessions that leave Active meanwhile
    /// (revoked, expired or deleted by someone else) are skipped; a session that cannot be revoked (a corrupt item, a
    /// provider fault that outlasts the retries) is reported as failed, and the run goes on with the others.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="user">The user whose sessions to revoke.</param>
    /// <param name="revokedBy">Who revokes them.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">Stops the run between writes; sessions already revoked stay revoked.</param>
    /// <returns>How many sessions this call revoked, skipped and failed to revoke, with the ids that failed.</returns>
    /// <exception cref="SessionStoreException">A page of the user's sessions could not be read at all.</exception>
    public static Task<SessionMaintenanceResult> RevokeAllForUserAsync(this ISessionStore store, string user, string revokedBy, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        SessionArguments.ThrowIfInvalidKey(user);
        SessionArguments.ThrowIfInvalidRevoker(revokedBy, reason);

        return ForEachPageAsync(
            (page, ct) => store.ListByUserAsync(user, page, ct),
            static s => s.Status == SessionStatus.Active,
            (s, ct) => store.RevokeAsync(s.Id, revokedBy, reason, ct),
            cancellationToken,

            // Revocation needs nothing but the id, so it is tried on a corrupt item too: most damage does not block it.
            changeCorrupt: (id, ct) => store.RevokeAsync(id, revokedBy, reason, ct));
    }

    /// <summary>
    /// Expires every Active session whose <see cref="ServerSession.ExpiresAt"/> is at or before <paramref name="now"/>,
    /// a page at a time. Each write is an optimistic update, so a session changed meanwhile is skipped; a session that
    /// cannot be expired (a corrupt item, a provider fault) is reported as failed, and the run goes on with the others.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="now">The time to compare ExpiresAt with.</param>
    /// <param name="cancellationToken">Stops the run between writes.</param>
    /// <returns>How many sessions this call expired, skipped and failed to expire, with the ids that failed.</returns>
    /// <exception cref="SessionStoreException">A page of Active sessions could not be read at all.</exception>
    public static Task<SessionMaintenanceResult> ExpireStaleAsync(this ISessionStore store, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);

        return ForEachPageAsync(
            (page, ct) => store.ListByStatusAsync(SessionStatus.Active, page, ct),
            s => s.Status == SessionStatus.Active && s.IsExpiredAt(now),
            (s, ct) => store.UpdateAsync(s.Expire(now), ct),
            cancellationToken);
    }

    private static async Task<SessionMaintenanceResult> ForEachPageAsync(
        Func<PageRequest, CancellationToken, Task<SessionPage>> list,
        Func<ServerSession, bool> selects,
        Func<ServerSession, CancellationToken, Task> change,
        CancellationToken cancellationToken,
        Func<string, CancellationToken, Task>? changeCorrupt = null)
    {
        var changed = 0;
        var skipped = 0;
        var failures = new ConcurrentDictionary<string, Exception>(StringComparer.Ordinal);
        var page = PageRequest.First;
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken };
        while (true)
        {
            // A corrupt item is reported beside the page, never in it; the rest of the page is changed as usual.
            var result = await list(page, cancellationToken).ConfigureAwait(false);
            var work = result.Items.Where(selects).Select(s => (s.Id, Change: (Func<CancellationToken, Task>)(ct => change(s, ct))));
            foreach (var damaged in result.Unreadable)
            {
                var id = damaged.SessionId ?? "(no id)";
                if (changeCorrupt is null || !SessionId.IsValid(id))
                {
                    failures[id] = damaged;
                }
                else
                {
                    work = work.Append((id, ct => changeCorrupt(id, ct)));
                }
            }

            await Parallel.ForEachAsync(work, options, async (session, ct) =>
            {
                try
                {
                    await session.Change(ct).ConfigureAwait(false);
                    Interlocked.Increment(ref changed);
                }
                catch (Exception ex) when (ex is SessionNotActiveException or SessionNotFoundException or SessionConcurrencyException or InvalidSessionTransitionException)
                {
                    // Someone else changed or removed the session since the page was read: nothing to do.
                    Interlocked.Increment(ref skipped);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
                {
                    // This one session cannot be changed (a malformed item, a fault that outlasted the retries): report
                    // it and go on with the others.
                    failures[session.Id] = ex;
                }
            }).ConfigureAwait(false);

            if (result.ContinuationToken is null)
            {
                return new SessionMaintenanceResult(changed, skipped, failures);
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }
    }
}
