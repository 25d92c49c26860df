namespace Sessions;

/// <summary>
/// The session may not serve any more. Catch this type on the hot path to stop serving whatever the reason;
/// catch <see cref="SessionRevokedException"/> or <see cref="SessionExpiredException"/> to tell them apart.
/// </summary>
public abstract class SessionNotActiveException : SessionStoreException
{
    private protected SessionNotActiveException(string message, string sessionId)
        : base(message, sessionId, operation: null, tableName: null, innerException: null)
    {
    }
}
