namespace Sessions.Cli.Watch;

/// <summary>What one refresh of <c>sessions watch</c> saw.</summary>
/// <param name="At">When the refresh read the store.</param>
/// <param name="First">Whether this is the first refresh (no rates yet, no events).</param>
/// <param name="Active">The active sessions, newest first, with their request rates.</param>
/// <param name="Events">What changed since the previous refresh: sessions that started, were revoked, expired or were deleted.</param>
/// <param name="Unreadable">Items the list of active sessions, or the read of a session that left it, could not read as sessions.</param>
internal sealed record WatchFrame(
    DateTimeOffset At, bool First, IReadOnlyList<WatchedSession> Active, IReadOnlyList<WatchEvent> Events, IReadOnlyList<SessionCorruptException> Unreadable);

/// <summary>An active session and its traffic since the previous refresh.</summary>
/// <param name="Session">The session as read.</param>
/// <param name="NewRequests">Requests counted since the previous refresh; <see langword="null"/> the first time the session is seen.</param>
/// <param name="RequestsPerSecond">Those requests per second of elapsed time; <see langword="null"/> the first time.</param>
internal sealed record WatchedSession(ServerSession Session, long? NewRequests, double? RequestsPerSecond);

/// <summary>What happened to a session between two refreshes.</summary>
internal enum WatchEventKind
{
    /// <summary>A new active session appeared.</summary>
    Started,

    /// <summary>An active session was revoked.</summary>
    Revoked,

    /// <summary>An active session expired: its status is Expired, or its expiry time passed.</summary>
    Expired,

    /// <summary>A session disappeared from the table.</summary>
    Deleted,
}

/// <summary>A change seen by a refresh.</summary>
/// <param name="At">The refresh that saw it.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Session">The session as last read (after the change when it could be read).</param>
internal sealed record WatchEvent(DateTimeOffset At, WatchEventKind Kind, ServerSession Session);
