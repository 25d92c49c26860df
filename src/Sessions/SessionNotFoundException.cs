namespace Sessions;

/// <summary>No session with the given id is stored.</summary>
public sealed class SessionNotFoundException : SessionStoreException
{
    /// <summary>Initializes a new instance for the given session id.</summary>
    /// <param name="sessionId">The id that was not found.</param>
    public SessionNotFoundException(string sessionId)
        : base($"Session '{sessionId}' was not found.", sessionId, operation: null, tableName: null, innerException: null)
    {
    }
}
