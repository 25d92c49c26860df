namespace Sessions;

/// <summary>
/// Stores server sessions. Every implementation behaves the same: arguments are validated before any I/O
/// (<see cref="ArgumentException"/> naming the parameter, nothing written), every error derives from
/// <see cref="SessionStoreException"/>, and reads are strongly consistent.
/// </summary>
public interface ISessionStore
{
    /// <summary>
    /// Stores a new Active session. Safe to retry: when the stored session is exactly this one (a retry after an
    /// attempt that was applied but whose answer was lost), the call succeeds and returns it.
    /// </summary>
    /// <param name="session">The session, usually from <see cref="ServerSession.Start"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored copy, with <see cref="ServerSession.Version"/> 1.</returns>
    /// <exception cref="SessionAlreadyExistsException">Another session, or this one since changed (touched, updated), has that id.</exception>
    Task<ServerSession> CreateAsync(ServerSession session, CancellationToken cancellationToken = default);

    /// <summary>Reads a session (strongly consistent).</summary>
    /// <param name="id">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored session.</returns>
    /// <exception cref="SessionNotFoundException">No such session.</exception>
    Task<ServerSession> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a changed session if nobody changed it since it was read: the stored <see cref="ServerSession.Version"/>
    /// must equal <paramref name="session"/>'s and the stored session must be Active. Expiry is terminal: once the
    /// stored ExpiresAt has passed, an update may end the session (Expired, Revoked) but not keep it Active. The new
    /// ExpiresAt must be after the stored StartedAt (the caller's StartedAt is not written). Writes only Status,
    /// ExpiresAt, SourceIdentity, RevokedBy and RevokedReason (plus UpdatedAt and Version + 1); never the identity
    /// fields or the Touch-owned LastAccessAt and RequestCount.
    /// </summary>
    /// <param name="session">The changed session, as read (with its Version) and then modified.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored copy.</returns>
    /// <exception cref="SessionNotFoundException">No such session.</exception>
    /// <exception cref="InvalidSessionTransitionException">The stored session is Revoked or Expired, or the new status is not reachable.</exception>
    /// <exception cref="SessionConcurrencyException">The stored version differs: read again and retry.</exception>
    /// <exception cref="SessionExpiredException">The update keeps the session Active, but its stored ExpiresAt has passed.</exception>
    /// <exception cref="ArgumentException">The new ExpiresAt is not after the stored StartedAt; nothing was written.</exception>
    Task<ServerSession> UpdateAsync(ServerSession session, CancellationToken cancellationToken = default);

    /// <summary>Removes a session whatever its state; removing a missing session succeeds.</summary>
    /// <param name="id">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the session is gone.</returns>
    Task DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// The hot path, called on every credential request: atomically sets LastAccessAt to now and adds 1 to
    /// RequestCount, only while the session is Active and not past its ExpiresAt (its true instant, whatever form another
    /// writer stored it in). One write, no read, for an item in the stored form; changes neither Version nor UpdatedAt.
    /// Stop serving on <see cref="SessionNotActiveException"/> and on <see cref="SessionCorruptException"/>.
    /// </summary>
    /// <param name="id">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the touch is stored.</returns>
    /// <exception cref="SessionNotFoundException">No such session.</exception>
    /// <exception cref="SessionRevokedException">The session was revoked.</exception>
    /// <exception cref="SessionExpiredException">The session is Expired or past its ExpiresAt.</exception>
    /// <exception cref="SessionCorruptException">The stored item cannot be judged (a malformed attribute): it is not served.</exception>
    Task TouchAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves an Active session to Revoked in one conditional write, whatever Touch traffic runs meanwhile. Safe to retry:
    /// when the session is already revoked with this <paramref name="revokedBy"/> and <paramref name="reason"/> (a retry
    /// after an attempt whose answer was lost), the call succeeds and returns the stored copy unchanged.
    /// </summary>
    /// <param name="id">The session id.</param>
    /// <param name="revokedBy">Who revokes it; non-empty, at most 1,024 UTF-8 bytes.</param>
    /// <param name="reason">Why; may be empty.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored copy.</returns>
    /// <exception cref="SessionNotFoundException">No such session.</exception>
    /// <exception cref="SessionRevokedException">The session was already revoked by someone else or for another reason.</exception>
    /// <exception cref="SessionExpiredException">The session has expired.</exception>
    Task<ServerSession> RevokeAsync(string id, string revokedBy, string reason, CancellationToken cancellationToken = default);

    /// <summary>Moves an Active session to Expired (server shutdown, sweeper) in one conditional write.</summary>
    /// <param name="id">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored copy.</returns>
    /// <exception cref="SessionNotFoundException">No such session.</exception>
    /// <exception cref="SessionRevokedException">The session was revoked.</exception>
    /// <exception cref="SessionExpiredException">The session had already expired.</exception>
    Task<ServerSession> ExpireAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Finds the Active session of a server instance, the newest if there are several.</summary>
    /// <param name="serverInstanceId">The server instance.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session, or <see langword="null"/> when the instance has no Active session.</returns>
    Task<ServerSession?> FindActiveByServerInstanceAsync(string serverInstanceId, CancellationToken cancellationToken = default);

    /// <summary>Lists a user's sessions, newest <see cref="ServerSession.CreatedAt"/> first.</summary>
    /// <param name="user">The user.</param>
    /// <param name="page">The page to read; <see langword="null"/> for the first page of 100.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentException">The continuation token is malformed or belongs to another query.</exception>
    Task<SessionPage> ListByUserAsync(string user, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the sessions in a status, newest first. A session that left the status is never returned.</summary>
    /// <param name="status">The status.</param>
    /// <param name="page">The page to read; <see langword="null"/> for the first page of 100.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentException">The continuation token is malformed or belongs to another query.</exception>
    Task<SessionPage> ListByStatusAsync(SessionStatus status, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the sessions of a profile, newest first.</summary>
    /// <param name="profile">The profile.</param>
    /// <param name="page">The page to read; <see langword="null"/> for the first page of 100.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentException">The continuation token is malformed or belongs to another query.</exception>
    Task<SessionPage> ListByProfileAsync(string profile, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the sessions with <c>createdFrom &lt;= CreatedAt &lt; createdBefore</c>, newest first, without scanning the store.</summary>
    /// <param name="createdFrom">The inclusive start.</param>
    /// <param name="createdBefore">The exclusive end; not before <paramref name="createdFrom"/>.</param>
    /// <param name="page">The page to read; <see langword="null"/> for the first page of 100.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentException">The range is reversed, or the continuation token is malformed or belongs to another query.</exception>
    Task<SessionPage> ListByTimeRangeAsync(DateTimeOffset createdFrom, DateTimeOffset createdBefore, PageRequest? page = null, CancellationToken cancellationToken = default);
}
