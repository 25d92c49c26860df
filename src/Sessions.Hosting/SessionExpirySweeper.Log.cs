using Microsoft.Extensions.Logging;

namespace Sessions.Hosting;

internal sealed partial class SessionExpirySweeper
{
    /// <remarks>Every text that comes from another host, the store or the caller (instance names, ids, error messages) is passed escaped.</remarks>
    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Expiry sweeper {Instance} took the lease on {Store} with fence {Fence}")]
        public static partial void LeaseTaken(ILogger logger, string instance, string store, long fence);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Expiry sweeper {Instance} waits: {Holder} holds the lease on {Store} (fence {Fence})")]
        public static partial void LeaseHeldElsewhere(ILogger logger, string instance, string holder, long fence, string store);

        [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Expiry sweep by {Instance} (fence {Fence}) on {Store}: read {Read} Active sessions, expired {Expired}, failed {Failed}")]
        public static partial void RunCompleted(ILogger logger, string instance, long fence, string store, int read, int expired, int failed);

        [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Expiry sweeper {Instance} lost the lease (fence {Fence}) on {Store} and stopped sweeping")]
        public static partial void LeaseLost(ILogger logger, string instance, long fence, string store);

        [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Expiry sweep by {Instance} on {Store} failed ({Failures} in a row): {Cause}; next attempt in {Delay}")]
        public static partial void RunFailed(ILogger logger, string instance, string store, TimeSpan delay, int failures, string cause, Exception exception);

        [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Expiry sweep by {Instance} on {Store} could not expire session {SessionId}: {Cause}")]
        public static partial void SessionFailed(ILogger logger, string instance, string store, string sessionId, string cause, Exception exception);

        [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Expiry sweeper {Instance} released the lease (fence {Fence}) on {Store}")]
        public static partial void LeaseReleased(ILogger logger, string instance, long fence, string store);

        [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Expiry sweeper {Instance} stopped but could not release the lease (fence {Fence}) on {Store}; another instance takes over within {LeaseDuration}")]
        public static partial void ReleaseFailed(ILogger logger, string instance, long fence, string store, TimeSpan leaseDuration, Exception exception);

        [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Expiry sweeper {Instance} took the lease on {Store} over with fence {Fence}: the record of {Holder} had not changed for {LeaseDuration}")]
        public static partial void LeaseTakenOver(ILogger logger, string instance, string store, long fence, string holder, TimeSpan leaseDuration);

        [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Expiry sweeper {Instance}: the lease item on {Store} is malformed ({Problem}); it is judged by its changes only and taken over when it stands still")]
        public static partial void LeaseItemMalformed(ILogger logger, string instance, string store, string problem);

        [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Expiry sweeper {Instance} does not sweep {Store}: this host's clock is {Offset} off the server's (more than {MaxClockSkew}); other instances sweep")]
        public static partial void ClockSkewed(ILogger logger, string instance, string store, TimeSpan offset, TimeSpan maxClockSkew);

        [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Expiry sweeper {Instance}: this host's clock agrees with {Store}'s server again (offset {Offset})")]
        public static partial void ClockAgrees(ILogger logger, string instance, string store, TimeSpan offset);
    }
}
