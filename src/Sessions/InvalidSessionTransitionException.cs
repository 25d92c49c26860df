namespace Sessions;

/// <summary>The state machine forbids the change: a terminal session (Revoked or Expired) never changes again.</summary>
public sealed class InvalidSessionTransitionException : SessionStoreException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="sessionId">The session whose change was refused.</param>
    /// <param name="from">The session's current status.</param>
    /// <param name="to">The status the change asked for.</param>
    public InvalidSessionTransitionException(string sessionId, SessionStatus from, SessionStatus to)
        : base($"Session '{sessionId}' cannot change from {from} to {to}: {from} is {(from.IsTerminal() ? "terminal" : "not allowed to move there")}.", sessionId, operation: null, tableName: null, innerException: null)
    {
        From = from;
        To = to;
    }

    /// <summary>Gets the session's current status.</summary>
    public SessionStatus From { get; }

    /// <summary>Gets the status the change asked for.</summary>
    public SessionStatus To { get; }
}
