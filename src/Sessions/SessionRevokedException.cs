namespace Sessions;

/// <summary>The session was revoked: it must stop serving at once.</summary>
public sealed class SessionRevokedException : SessionNotActiveException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="sessionId">The revoked session.</param>
    /// <param name="revokedBy">Who revoked it, when known.</param>
    /// <param name="reason">Why it was revoked, when known.</param>
    public SessionRevokedException(string sessionId, string? revokedBy = null, string? reason = null)
        : base($"Session '{sessionId}' was revoked{(revokedBy is null ? string.Empty : $" by '{revokedBy}'")}.", sessionId)
    {
        RevokedBy = revokedBy;
        RevokedReason = reason;
    }

    /// <summary>Gets who revoked the session, when the store knows.</summary>
    public string? RevokedBy { get; }

    /// <summary>Gets why the session was revoked, when the store knows.</summary>
    public string? RevokedReason { get; }
}
