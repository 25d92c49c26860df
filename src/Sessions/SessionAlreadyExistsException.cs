namespace Sessions;

/// <summary>A session with the same id is already stored; nothing was written.</summary>
public sealed class SessionAlreadyExistsException : SessionStoreException
{
    /// <summary>Initializes a new instance for the given session id.</summary>
    /// <param name="sessionId">The id that is taken.</param>
    public SessionAlreadyExistsException(string sessionId)
        : base($"Session '{sessionId}' already exists.", sessionId, operation: null, tableName: null, innerException: null)
    {
    }
}
