using Sessions.Diagnostics;

namespace Sessions;

/// <summary>
/// The root of every error a session store raises. Thrown as itself for provider faults that remain after the
/// provider's own retries (throttling, access denied, missing table, corrupt item), with the provider's exception as
/// <see cref="Exception.InnerException"/>.
/// </summary>
/// <remarks>
/// The message never holds a control character: session ids, operator names and stored values that it quotes could
/// otherwise end a log line early or drive a terminal, so every constructor escapes them visibly (a line feed reads
/// <c>\n</c>, ESC reads <c>\e</c>; the README's "Control characters" section has the scheme). The properties keep the
/// values unescaped.
/// </remarks>
public class SessionStoreException : Exception
{
    /// <summary>Initializes a new instance with no message.</summary>
    public SessionStoreException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public SessionStoreException(string message)
        : base(VisibleText.Escape(message))
    {
    }

    /// <summary>Initializes a new instance with a message and the underlying cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The provider's exception.</param>
    public SessionStoreException(string message, Exception? innerException)
        : base(VisibleText.Escape(message), innerException)
    {
    }

    /// <summary>Initializes a new instance naming the session, the operation and the table involved.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="sessionId">The session the operation was about, if any.</param>
    /// <param name="operation">The store operation, for example <c>Touch</c>.</param>
    /// <param name="tableName">The table (or store) the operation ran against, if any.</param>
    /// <param name="innerException">The provider's exception, if any.</param>
    public SessionStoreException(string message, string? sessionId, string? operation, string? tableName, Exception? innerException)
        : base(VisibleText.Escape(message), innerException)
    {
        SessionId = sessionId;
        Operation = operation;
        TableName = tableName;
    }

    /// <summary>Gets the id of the session the failed operation was about, or <see langword="null"/> for queries.</summary>
    public string? SessionId { get; }

    /// <summary>Gets the store operation that failed (for example <c>Touch</c>), when known.</summary>
    public string? Operation { get; }

    /// <summary>Gets the table the operation ran against, when the store has one.</summary>
    public string? TableName { get; }
}
