using System.Diagnostics.CodeAnalysis;

namespace Sessions;

/// <summary>
/// The state rules every store applies to a stored session: whether a write may proceed, which error it raises when
/// it may not, and what the write stores. The in-memory store runs them under a lock; the DynamoDB store encodes the
/// same rules as condition expressions and runs these methods on the old item to name the failure.
/// </summary>
internal static class SessionRules
{
    /// <summary>Why a Touch at <paramref name="now"/> is refused, or <see langword="null"/> when it may proceed.</summary>
    public static SessionStoreException? RefuseTouch(string id, ServerSession? stored, DateTimeOffset now) => stored switch
    {
        null => new SessionNotFoundException(id),
        { Status: SessionStatus.Active } when stored.IsExpiredAt(now) => new SessionExpiredException(id, stored.ExpiresAt),
        { Status: SessionStatus.Active, RequestCount: long.MaxValue } => new SessionCorruptException(
            id, "request_count", $"Stored session '{id}' is corrupt: attribute 'request_count' is at its largest value ({long.MaxValue}); the session is not served rather than counted past it."),
        _ => RefuseNotActive(id, stored),
    };

    /// <summary>Why leaving Active (Revoke, Expire) is refused, or <see langword="null"/> when the session is Active.</summary>
    public static SessionStoreException? RefuseTransition(string id, ServerSession? stored) =>
        stored is null ? new SessionNotFoundException(id) : RefuseNotActive(id, stored);

    /// <summary>
    /// Why a Revoke by <paramref name="revokedBy"/> for <paramref name="reason"/> is refused, or <see langword="null"/>
    /// when it may proceed: the session is Active, or it already holds this very revocation (a repeated Revoke, such as
    /// a retry whose first answer was lost), which <see cref="Revoked"/> then returns unchanged.
    /// </summary>
    public static SessionStoreException? RefuseRevoke(string id, ServerSession? stored, string revokedBy, string reason) =>
        IsRevocation(stored, revokedBy, reason) ? null : RefuseTransition(id, stored);

    /// <summary>
    /// Whether <paramref name="stored"/> is exactly <paramref name="created"/>, the copy this Create writes: a repeated
    /// Create (such as a retry whose first attempt was applied but whose answer was lost) then returns the stored copy.
    /// Any difference, a Touch or an update included, means the id is taken by another session.
    /// </summary>
    public static bool IsCreated([NotNullWhen(true)] ServerSession? stored, ServerSession created) =>
        stored is not null && stored == created;

    /// <summary>
    /// Why an optimistic Update at <paramref name="now"/> is refused, or <see langword="null"/>: not found, terminal,
    /// version; then, judged on the stored copy, never its caller's: an update that keeps the session Active once its
    /// stored ExpiresAt has passed (expiry is terminal), and an ExpiresAt not after the stored StartedAt.
    /// </summary>
#pragma warning disable CA2208 // The ExpiresAt of the caller's 'session' argument is the value at fault.
    public static Exception? RefuseUpdate(ServerSession update, ServerSession? stored, DateTimeOffset now) => stored switch
    {
        null => new SessionNotFoundException(update.Id),
        { Status: not SessionStatus.Active } => new InvalidSessionTransitionException(update.Id, stored.Status, update.Status),
        _ when stored.Version != update.Version => new SessionConcurrencyException(update.Id, update.Version, stored.Version),
        _ when update.Status == SessionStatus.Active && stored.IsExpiredAt(now) => new SessionExpiredException(update.Id, stored.ExpiresAt),
        _ when update.ExpiresAt <= stored.StartedAt => new ArgumentException(
            $"ExpiresAt ({SessionTimestamp.Format(update.ExpiresAt)}) must be after the stored StartedAt ({SessionTimestamp.Format(stored.StartedAt)}).",
            "session.ExpiresAt"),
        _ => null,
    };
#pragma warning restore CA2208

    /// <summary>The copy Create stores: timestamps in UTC, Version 1.</summary>
    public static ServerSession Created(ServerSession session) => session with
    {
        StartedAt = session.StartedAt.ToUniversalTime(),
        LastAccessAt = session.LastAccessAt.ToUniversalTime(),
        ExpiresAt = session.ExpiresAt.ToUniversalTime(),
        CreatedAt = session.CreatedAt.ToUniversalTime(),
        UpdatedAt = session.UpdatedAt.ToUniversalTime(),
        Version = 1,
    };

    /// <summary>The copy Update stores: only the mutable fields taken from <paramref name="update"/>.</summary>
    public static ServerSession Updated(ServerSession stored, ServerSession update, DateTimeOffset now) => stored with
    {
        Status = update.Status,
        ExpiresAt = update.ExpiresAt.ToUniversalTime(),
        SourceIdentity = update.SourceIdentity,
        RevokedBy = update.RevokedBy,
        RevokedReason = update.RevokedReason,
        UpdatedAt = now.ToUniversalTime(),
        Version = stored.Version + 1,
    };

    /// <summary>The copy Revoke stores; a session that already holds this very revocation is returned unchanged.</summary>
    public static ServerSession Revoked(ServerSession stored, string revokedBy, string reason, DateTimeOffset now) =>
        IsRevocation(stored, revokedBy, reason) ? stored : stored.Revoke(revokedBy, reason, now) with { Version = stored.Version + 1 };

    public static ServerSession Expired(ServerSession stored, DateTimeOffset now) =>
        stored.Expire(now) with { Version = stored.Version + 1 };

    public static ServerSession Touched(ServerSession stored, DateTimeOffset now) =>
        stored with { LastAccessAt = now.ToUniversalTime(), RequestCount = stored.RequestCount + 1 };

    private static bool IsRevocation([NotNullWhen(true)] ServerSession? stored, string revokedBy, string reason) =>
        stored is { Status: SessionStatus.Revoked }
        && string.Equals(stored.RevokedBy, revokedBy, StringComparison.Ordinal)
        && string.Equals(stored.RevokedReason, reason, StringComparison.Ordinal);

    private static SessionStoreException? RefuseNotActive(string id, ServerSession stored) => stored.Status switch
    {
        SessionStatus.Revoked => new SessionRevokedException(id, stored.RevokedBy, stored.RevokedReason),
        SessionStatus.Expired => new SessionExpiredException(id, stored.ExpiresAt),
        _ => null,
    };
}
