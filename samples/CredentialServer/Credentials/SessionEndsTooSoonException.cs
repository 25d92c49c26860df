namespace Sessions.Samples.CredentialServer.Credentials;

/// <summary>
/// A credential source cannot issue credentials that end by the session's ExpiresAt: STS issues nothing shorter than
/// 15 minutes, and the session has less left. The client gets 403 <c>SessionEndsTooSoon</c>; start a new session.
/// </summary>
public sealed class SessionEndsTooSoonException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="expiresAt">When it ends.</param>
    /// <param name="minimum">The shortest credentials the source can issue.</param>
    public SessionEndsTooSoonException(string sessionId, DateTimeOffset expiresAt, TimeSpan minimum)
        : base($"Session '{sessionId}' ends at {expiresAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}, sooner than the {minimum.TotalMinutes:0} minutes the shortest role credentials last; no credentials can be issued that end with it. Start a new session.")
    {
        SessionId = sessionId;
        ExpiresAt = expiresAt;
    }

    /// <summary>Gets the session.</summary>
    public string SessionId { get; }

    /// <summary>Gets when the session ends.</summary>
    public DateTimeOffset ExpiresAt { get; }
}
