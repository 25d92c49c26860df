namespace Sessions;

/// <summary>
/// A write was refused every time the store sent it because another Region was writing the same item at the same moment:
/// on a DynamoDB global table with multi-Region strong consistency (MRSC), DynamoDB refuses such a write with
/// <c>ReplicatedWriteConflictException</c> (the <see cref="Exception.InnerException"/>). The store retries it a few times
/// after a short backoff before it gives up. The write may be retried: repeating it is as safe as repeating any write after
/// a provider fault (Create, Update, Revoke and Expire recognise their own earlier effect; a Touch may count once more).
/// </summary>
/// <remarks>
/// Nothing about the session follows from it: a credential server reacts as to any <see cref="SessionStoreException"/>
/// (fail closed, or retry the request). It is seldom seen, since a conflict clears as soon as the other Region's write is done.
/// </remarks>
public sealed class SessionWriteConflictException : SessionStoreException
{
    /// <summary>Initializes a new instance naming the session, the operation and the table, with DynamoDB's refusal inside.</summary>
    /// <param name="message">What was refused.</param>
    /// <param name="sessionId">The session (or other item) the write was about, if any.</param>
    /// <param name="operation">The store operation, for example <c>Revoke</c>.</param>
    /// <param name="tableName">The table the write was sent to.</param>
    /// <param name="innerException">DynamoDB's last refusal, a <c>ReplicatedWriteConflictException</c>.</param>
    public SessionWriteConflictException(string message, string? sessionId, string? operation, string? tableName, Exception? innerException)
        : base(message, sessionId, operation, tableName, innerException)
    {
    }
}
