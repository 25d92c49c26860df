namespace Sessions.Cli.Watch;

/// <summary>
/// Reads the active sessions on each refresh and compares them with the previous refresh: request rates from the
/// RequestCount deltas over the elapsed time, and an event for each session that started or stopped being active.
/// A session that left the list is read once (<see cref="ISessionStore.GetAsync"/>) to tell revoked, expired and deleted
/// apart; one whose expiry time passed while its status is still active counts as expired. Items the store cannot read
/// are reported on the frame, not as sessions. A refresh that fails changes nothing: the next one compares with the last
/// refresh that succeeded.
/// </summary>
internal sealed class SessionTracker(ISessionStore store, TimeProvider time)
{
    private Dictionary<string, Observation> _previous = new(StringComparer.Ordinal);
    private bool _first = true;

    public async Task<WatchFrame> RefreshAsync(CancellationToken cancellationToken)
    {
        var (listed, unreadable) = await ListActiveAsync(cancellationToken);
        var timestamp = time.GetTimestamp();
        var now = time.GetUtcNow();
        var current = new Dictionary<string, Observation>(StringComparer.Ordinal);
        var active = new List<WatchedSession>();
        var events = new List<WatchEvent>();

        foreach (var session in listed)
        {
            if (session.IsExpiredAt(now) || current.ContainsKey(session.Id))
            {
                // Past its expiry: no longer serving, whatever its stored status says (reported below if it was watched).
                continue;
            }

            active.Add(Observe(session, timestamp, current));
            if (!_first && !_previous.ContainsKey(session.Id))
            {
                events.Add(new WatchEvent(now, WatchEventKind.Started, session));
            }
        }

        foreach (var (id, before) in _previous)
        {
            if (current.ContainsKey(id))
            {
                continue;
            }

            var (change, stillActive) = await WhyGoneAsync(before.Session, now, unreadable, cancellationToken);
            if (change is not null)
            {
                events.Add(change);
            }
            else if (stillActive is not null)
            {
                // Active yet missing from the list (an index a moment behind): keep watching it.
                active.Add(Observe(stillActive, timestamp, current));
            }
        }

        var frame = new WatchFrame(now, _first, active, events, unreadable);
        _previous = current;
        _first = false;
        return frame;
    }

    private WatchedSession Observe(ServerSession session, long timestamp, Dictionary<string, Observation> current)
    {
        current[session.Id] = new Observation(session, timestamp);
        if (!_previous.TryGetValue(session.Id, out var before))
        {
            return new WatchedSession(session, NewRequests: null, RequestsPerSecond: null);
        }

        var requests = Math.Max(0, session.RequestCount - before.Session.RequestCount);
        var seconds = time.GetElapsedTime(before.Timestamp, timestamp).TotalSeconds;
        return new WatchedSession(session, requests, seconds > 0 ? requests / seconds : 0);
    }

    private async Task<(WatchEvent? Change, ServerSession? StillActive)> WhyGoneAsync(
        ServerSession last, DateTimeOffset now, List<SessionCorruptException> unreadable, CancellationToken cancellationToken)
    {
        ServerSession session;
        try
        {
            session = await store.GetAsync(last.Id, cancellationToken);
        }
        catch (SessionNotFoundException)
        {
            return (new WatchEvent(now, WatchEventKind.Deleted, last), null);
        }
        catch (SessionCorruptException corrupt)
        {
            // Damaged since the last refresh: no longer a session the watch can follow; reported once among the unreadable.
            if (!unreadable.Exists(u => u.SessionId == corrupt.SessionId))
            {
                unreadable.Add(corrupt);
            }

            return (null, null);
        }

        return session.Status switch
        {
            SessionStatus.Revoked => (new WatchEvent(now, WatchEventKind.Revoked, session), null),
            SessionStatus.Expired => (new WatchEvent(now, WatchEventKind.Expired, session), null),
            _ when session.IsExpiredAt(now) => (new WatchEvent(now, WatchEventKind.Expired, session), null),
            _ => (null, session),
        };
    }

    private async Task<(List<ServerSession> Sessions, List<SessionCorruptException> Unreadable)> ListActiveAsync(CancellationToken cancellationToken)
    {
        var sessions = new List<ServerSession>();
        var unreadable = new List<SessionCorruptException>();
        var page = new PageRequest(PageRequest.MaxLimit);
        while (true)
        {
            var result = await store.ListByStatusAsync(SessionStatus.Active, page, cancellationToken);
            sessions.AddRange(result.Items);
            unreadable.AddRange(result.Unreadable);
            if (result.ContinuationToken is null)
            {
                return (sessions, unreadable);
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }
    }

    private readonly record struct Observation(ServerSession Session, long Timestamp);
}
