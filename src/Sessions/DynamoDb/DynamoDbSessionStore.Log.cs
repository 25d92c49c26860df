using Microsoft.Extensions.Logging;

namespace Sessions.DynamoDb;

public sealed partial class DynamoDbSessionStore
{
    /// <remarks>
    /// No message quotes text that could hold a control character: session ids are checked (16 hex characters) and table
    /// names validated before any request, operations are constants, and the messages of the store's exceptions are
    /// escaped where they are built (<see cref="SessionStoreException"/>).
    /// </remarks>
    private static partial class Log
    {
        [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Operation} on table {TableName}: the failed condition returned no old item for session {SessionId}; reading it")]
        public static partial void ReadingAfterFailedCondition(ILogger logger, string operation, string tableName, string sessionId);

        // The problem is a SessionCorruptException's message, escaped where it was built.
        [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "{Operation} on table {TableName} passed over an item it cannot read: {Problem}")]
        public static partial void PassedOverUnreadable(ILogger logger, string operation, string tableName, string problem);
    }
}
