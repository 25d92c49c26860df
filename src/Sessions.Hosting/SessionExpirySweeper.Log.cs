using Microsoft.Extensions.Logging;

namespace Sessions.Hosting;

internal sealed partial class SessionExpirySweeper
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Expiry sweeper {Instance} took the lease on {Store} with fence {Fence}")]
        public static partial void LeaseTaken(ILogger logger, string instance, string store, long fence);

        [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Expiry sweeper {Instance} waits: {Holder} holds the lease on {Store} until {ExpiresAt:O}")]
        public static partial void LeaseHeldElsewhere(ILogger logger, string instance, string holder, string store, DateTimeOffset expiresAt);

        [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Expiry sweep by {Instance} (fence {Fence}) on {Store}: read {Examined} Active sessions, expired {Expired}, failed {Failed}")]
        public static partial void RunCompleted(ILogger logger, string instance, long fence, string store, int examined, int expired, int failed);

        [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Expiry sweeper {Instance} lost the lease (fence {Fence}) on {Store} during a run and stopped it")]
        public static partial void LeaseLost(ILogger logger, string instance, long fence, string store);

        [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Expiry sweep by {Instance} on {Store} failed; next attempt in {Delay}")]
        public static partial void RunFailed(ILogger logger, string instance, string store, TimeSpan delay, Exception exception);

        [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Expiry sweep by {Instance} on {Store} could not expire session {SessionId}")]
        public static partial void SessionFailed(ILogger logger, string instance, string store, string sessionId, Exception exception);

        [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Expiry sweeper {Instance} stopped and released the lease (fence {Fence}) on {Store}")]
        public static partial void LeaseReleased(ILogger logger, string instance, long fence, string store);

        [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Expiry sweeper {Instance} stopped but could not release the lease (fence {Fence}) on {Store}; it lapses at {ExpiresAt:O}")]
        public static partial void ReleaseFailed(ILogger logger, string instance, long fence, string store, DateTimeOffset expiresAt, Exception exception);
    }
}
