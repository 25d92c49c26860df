namespace Sessions;

/// <summary>The session expired (its status is Expired, or its <see cref="ServerSession.ExpiresAt"/> has passed): it must stop serving.</summary>
public sealed class SessionExpiredException : SessionNotActiveException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="sessionId">The expired session.</param>
    /// <param name="expiresAt">When it expired, when known.</param>
    public SessionExpiredException(string sessionId, DateTimeOffset? expiresAt = null)
        : base($"Session '{sessionId}' has expired{(expiresAt is { } at ? $" (at {SessionTimestamp.Format(at)})" : string.Empty)}.", sessionId)
    {
        ExpiresAt = expiresAt;
    }

    /// <summary>Gets when the session expired, when the store knows.</summary>
    public DateTimeOffset? ExpiresAt { get; }
}
