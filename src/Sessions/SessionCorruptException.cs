namespace Sessions;

/// <summary>
/// A stored item cannot be read as a session: an attribute is missing, of the wrong type or malformed (written by
/// another tool or by hand). Names the item and the attribute; fix or migrate the item (<c>sessions table migrate</c>).
/// </summary>
public sealed class SessionCorruptException : SessionStoreException
{
    /// <summary>Initializes a new instance naming the item, the attribute and what is wrong with it.</summary>
    /// <param name="sessionId">The id of the item, or <see langword="null"/> when the id itself is unreadable.</param>
    /// <param name="attributeName">The stored attribute that is missing or malformed, for example <c>expires_at</c>.</param>
    /// <param name="message">What is wrong, naming the item and the attribute.</param>
    /// <param name="operation">The store operation that met the item, when known.</param>
    /// <param name="tableName">The table that holds the item, when known.</param>
    public SessionCorruptException(string? sessionId, string attributeName, string message, string? operation = null, string? tableName = null)
        : base(message, sessionId, operation, tableName, innerException: null)
    {
        ArgumentException.ThrowIfNullOrEmpty(attributeName);
        AttributeName = attributeName;
    }

    /// <summary>Gets the stored attribute that is missing or malformed, for example <c>expires_at</c>.</summary>
    public string AttributeName { get; }
}
