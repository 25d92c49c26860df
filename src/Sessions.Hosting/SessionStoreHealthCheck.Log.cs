using Microsoft.Extensions.Logging;

namespace Sessions.Hosting;

internal sealed partial class SessionStoreHealthCheck
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Session store health check on table {TableName}: {Status} ({Description})")]
        public static partial void Checked(ILogger logger, string tableName, string status, string description, Exception? exception);
    }
}
