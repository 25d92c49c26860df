namespace Sessions;

/// <summary>
/// One credential-serving server session: who started it, which profile it serves, on which server instance,
/// how often it was used and whether it may still serve. Immutable: transitions return a new record.
/// </summary>
/// <remarks>
/// <see cref="LastAccessAt"/> and <see cref="RequestCount"/> are written only by
/// <see cref="ISessionStore.TouchAsync"/>, and <see cref="Version"/> only by the store; values set on a record
/// passed to <see cref="ISessionStore.UpdateAsync"/> are ignored for those three.
/// </remarks>
public sealed record ServerSession
{
    /// <summary>Gets the session id: exactly 16 lowercase hex characters (see <see cref="SessionId"/>).</summary>
    public required string Id { get; init; }

    /// <summary>Gets who started the session. Non-empty, at most 1,024 UTF-8 bytes.</summary>
    public required string User { get; init; }

    /// <summary>Gets the credential profile the session serves. Non-empty, at most 1,024 UTF-8 bytes.</summary>
    public required string Profile { get; init; }

    /// <summary>Gets the server instance that runs the session. Non-empty, at most 1,024 UTF-8 bytes.</summary>
    public required string ServerInstanceId { get; init; }

    /// <summary>Gets the session's state.</summary>
    public SessionStatus Status { get; init; } = SessionStatus.Active;

    /// <summary>Gets when the session started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when the session last served a request (written by Touch only).</summary>
    public DateTimeOffset LastAccessAt { get; init; }

    /// <summary>Gets when the session stops serving. Always after <see cref="StartedAt"/>.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets how many requests the session served (written by Touch only).</summary>
    public long RequestCount { get; init; }

    /// <summary>Gets the identity the credentials are issued for; may be empty.</summary>
    public string SourceIdentity { get; init; } = string.Empty;

    /// <summary>Gets when the session record was created; lists are ordered by it, newest first.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the session record was last changed by a write other than Touch.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets who revoked the session; set only by revocation.</summary>
    public string? RevokedBy { get; init; }

    /// <summary>Gets why the session was revoked; set only by revocation.</summary>
    public string? RevokedReason { get; init; }

    /// <summary>Gets the optimistic-concurrency token, owned by the store: 1 after create, +1 on every update.</summary>
    public long Version { get; init; }

    /// <summary>Starts a new Active session with a fresh id; every timestamp is <paramref name="now"/>.</summary>
    /// <param name="user">Who starts the session.</param>
    /// <param name="profile">The profile it serves.</param>
    /// <param name="serverInstanceId">The server instance that runs it.</param>
    /// <param name="sourceIdentity">The identity credentials are issued for; may be empty.</param>
    /// <param name="duration">How long it may serve; must be positive.</param>
    /// <param name="now">The current time, usually <see cref="TimeProvider.GetUtcNow"/>.</param>
    /// <returns>A session ready for <see cref="ISessionStore.CreateAsync"/>.</returns>
    /// <exception cref="ArgumentException">A key field is empty or longer than 1,024 UTF-8 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is not positive, or ends after <see cref="DateTimeOffset.MaxValue"/>.</exception>
    public static ServerSession Start(string user, string profile, string serverInstanceId, string sourceIdentity, TimeSpan duration, DateTimeOffset now)
    {
        SessionArguments.ThrowIfInvalidKey(user);
        SessionArguments.ThrowIfInvalidKey(profile);
        SessionArguments.ThrowIfInvalidKey(serverInstanceId);
        ArgumentNullException.ThrowIfNull(sourceIdentity);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        now = now.ToUniversalTime();
        if (duration > DateTimeOffset.MaxValue - now)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, $"The session would expire after {SessionTimestamp.Format(DateTimeOffset.MaxValue)}, the latest time that can be stored.");
        }

        return new ServerSession
        {
            Id = SessionId.New(),
            User = user,
            Profile = profile,
            ServerInstanceId = serverInstanceId,
            Status = SessionStatus.Active,
            StartedAt = now,
            LastAccessAt = now,
            ExpiresAt = now + duration,
            RequestCount = 0,
            SourceIdentity = sourceIdentity,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Returns <see langword="true"/> once <see cref="ExpiresAt"/> is at or before <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt <= now;

    /// <summary>Returns this session revoked by <paramref name="revokedBy"/> for <paramref name="reason"/>.</summary>
    /// <param name="revokedBy">Who revokes it (an operator, a system); non-empty.</param>
    /// <param name="reason">Why; may be empty.</param>
    /// <param name="at">When.</param>
    /// <exception cref="InvalidSessionTransitionException">The session is not Active.</exception>
    public ServerSession Revoke(string revokedBy, string reason, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(revokedBy);
        ArgumentNullException.ThrowIfNull(reason);
        ThrowIfCannotMoveTo(SessionStatus.Revoked);
        return this with { Status = SessionStatus.Revoked, RevokedBy = revokedBy, RevokedReason = reason, UpdatedAt = at.ToUniversalTime() };
    }

    /// <summary>Returns this session expired at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    /// <exception cref="InvalidSessionTransitionException">The session is not Active.</exception>
    public ServerSession Expire(DateTimeOffset at)
    {
        ThrowIfCannotMoveTo(SessionStatus.Expired);
        return this with { Status = SessionStatus.Expired, UpdatedAt = at.ToUniversalTime() };
    }

    private void ThrowIfCannotMoveTo(SessionStatus next)
    {
        if (!Status.CanTransitionTo(next))
        {
            throw new InvalidSessionTransitionException(Id, Status, next);
        }
    }
}
