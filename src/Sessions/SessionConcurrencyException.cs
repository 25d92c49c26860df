namespace Sessions;

/// <summary>
/// An optimistic update lost a race: the stored <see cref="ServerSession.Version"/> differs from the one the caller
/// read. Read the session again, re-apply the change and retry.
/// </summary>
public sealed class SessionConcurrencyException : SessionStoreException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="sessionId">The session that changed.</param>
    /// <param name="expectedVersion">The version the caller sent.</param>
    /// <param name="actualVersion">The version stored now.</param>
    public SessionConcurrencyException(string sessionId, long expectedVersion, long actualVersion)
        : base($"Session '{sessionId}' was changed concurrently: expected version {expectedVersion}, stored version {actualVersion}.", sessionId, operation: null, tableName: null, innerException: null)
    {
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>Gets the version the caller sent.</summary>
    public long ExpectedVersion { get; }

    /// <summary>Gets the version stored when the update was refused.</summary>
    public long ActualVersion { get; }
}
