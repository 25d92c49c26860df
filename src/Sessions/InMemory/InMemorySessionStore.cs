using System.Collections.Concurrent;

namespace Sessions.InMemory;

/// <summary>
/// A thread-safe store in process memory with exactly the behaviour of the DynamoDB store: for tests, local runs and
/// the CLI's demo. Each session has its own lock, so Touch never contends beyond its own session. Nothing persists.
/// </summary>
public sealed class InMemorySessionStore : ISessionStore
{
    private static readonly Comparer<ServerSession> NewestFirst = Comparer<ServerSession>.Create(static (a, b) =>
    {
        var byTime = b.CreatedAt.CompareTo(a.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(b.Id, a.Id);
    });

    private readonly ConcurrentDictionary<string, Slot> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new, empty store.</summary>
    /// <param name="timeProvider">The clock for Touch, expiry and UpdatedAt; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public InMemorySessionStore(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets how many sessions the store holds.</summary>
    public int Count => _sessions.Count;

    /// <inheritdoc />
    public Task<ServerSession> CreateAsync(ServerSession session, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidNewSession(session);
        cancellationToken.ThrowIfCancellationRequested();

        var created = SessionRules.Created(session);
        if (_sessions.TryAdd(created.Id, new Slot(created)))
        {
            return Task.FromResult(created);
        }

        // A repeated Create of the very same session (a retry) returns the stored copy; any other session is refused.
        var stored = Read(created.Id);
        return SessionRules.IsCreated(stored, created)
            ? Task.FromResult(stored)
            : Task.FromException<ServerSession>(new SessionAlreadyExistsException(created.Id));
    }

    /// <inheritdoc />
    public Task<ServerSession> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        cancellationToken.ThrowIfCancellationRequested();

        return Read(id) is { } stored
            ? Task.FromResult(stored)
            : Task.FromException<ServerSession>(new SessionNotFoundException(id));
    }

    /// <inheritdoc />
    public Task<ServerSession> UpdateAsync(ServerSession session, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidSession(session);
        cancellationToken.ThrowIfCancellationRequested();

        var now = Now();
        return Write(session.Id, stored => SessionRules.RefuseUpdate(session, stored, now), stored => SessionRules.Updated(stored, session, now));
    }

    /// <inheritdoc />
    public Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        cancellationToken.ThrowIfCancellationRequested();

        if (_sessions.TryGetValue(id, out var slot))
        {
            lock (slot)
            {
                Volatile.Write(ref slot.Session, null);
                _sessions.TryRemove(new KeyValuePair<string, Slot>(id, slot));
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task TouchAsync(string id, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        cancellationToken.ThrowIfCancellationRequested();

        var now = Now();
        return Write(id, stored => SessionRules.RefuseTouch(id, stored, now), stored => SessionRules.Touched(stored, now));
    }

    /// <inheritdoc />
    public Task<ServerSession> RevokeAsync(string id, string revokedBy, string reason, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        SessionArguments.ThrowIfInvalidRevoker(revokedBy, reason);
        cancellationToken.ThrowIfCancellationRequested();

        return Write(id, stored => SessionRules.RefuseRevoke(id, stored, revokedBy, reason), stored => SessionRules.Revoked(stored, revokedBy, reason, Now()));
    }

    /// <inheritdoc />
    public Task<ServerSession> ExpireAsync(string id, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        cancellationToken.ThrowIfCancellationRequested();

        return Write(id, stored => SessionRules.RefuseTransition(id, stored), stored => SessionRules.Expired(stored, Now()));
    }

    /// <inheritdoc />
    public Task<ServerSession?> FindActiveByServerInstanceAsync(string serverInstanceId, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidKey(serverInstanceId);
        cancellationToken.ThrowIfCancellationRequested();

        ServerSession? newest = null;
        foreach (var session in Snapshot())
        {
            if (session.Status == SessionStatus.Active
                && string.Equals(session.ServerInstanceId, serverInstanceId, StringComparison.Ordinal)
                && (newest is null || NewestFirst.Compare(session, newest) < 0))
            {
                newest = session;
            }
        }

        return Task.FromResult(newest);
    }

    /// <inheritdoc />
    public Task<SessionPage> ListByUserAsync(string user, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidKey(user);
        return List(PageQuery.ForUser(user), page, s => string.Equals(s.User, user, StringComparison.Ordinal), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionPage> ListByStatusAsync(SessionStatus status, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidStatus(status);
        return List(PageQuery.ForStatus(status), page, s => s.Status == status, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionPage> ListByProfileAsync(string profile, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidKey(profile);
        return List(PageQuery.ForProfile(profile), page, s => string.Equals(s.Profile, profile, StringComparison.Ordinal), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionPage> ListByTimeRangeAsync(DateTimeOffset createdFrom, DateTimeOffset createdBefore, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidRange(createdFrom, createdBefore);
        PageToken.ThrowIfOutside(PageToken.Decode(page, PageQuery.ForTimeRange(createdFrom, createdBefore), streams: 1), SessionTimestamp.KeyRange(createdFrom, createdBefore));
        return List(PageQuery.ForTimeRange(createdFrom, createdBefore), page, s => s.CreatedAt >= createdFrom && s.CreatedAt < createdBefore, cancellationToken);
    }

    private Task<SessionPage> List(PageQuery query, PageRequest? page, Func<ServerSession, bool> matches, CancellationToken cancellationToken)
    {
        var cursor = PageToken.Decode(page, query, streams: 1)[0];
        cancellationToken.ThrowIfCancellationRequested();
        if (cursor.State == PageCursorState.Done)
        {
            return Task.FromResult(SessionPage.Empty);
        }

        var limit = (page ?? PageRequest.First).EffectiveLimit;
        var afterTime = cursor.State == PageCursorState.After ? SessionTimestamp.Parse(cursor.CreatedAt!) : DateTimeOffset.MaxValue;
        var afterId = cursor.Id;

        // Newest first: a session comes after the cursor when it is older, or as old with a smaller id.
        var matching = Snapshot()
            .Where(s => matches(s) && (afterId is null || s.CreatedAt < afterTime || (s.CreatedAt == afterTime && string.CompareOrdinal(s.Id, afterId) < 0)))
            .Order(NewestFirst)
            .Take(limit + 1)
            .ToList();

        if (matching.Count <= limit)
        {
            return Task.FromResult(new SessionPage(matching, null));
        }

        matching.RemoveAt(limit);
        var last = matching[^1];
        var token = PageToken.Encode(query, [PageCursor.After(SessionTimestamp.Format(last.CreatedAt), last.Id)]);
        return Task.FromResult(new SessionPage(matching, token));
    }

    private Task<ServerSession> Write(string id, Func<ServerSession?, Exception?> refuse, Func<ServerSession, ServerSession> apply)
    {
        if (!_sessions.TryGetValue(id, out var slot))
        {
            return Task.FromException<ServerSession>(refuse(null) ?? new SessionNotFoundException(id));
        }

        lock (slot)
        {
            var stored = slot.Session;
            if (refuse(stored) is { } error)
            {
                return Task.FromException<ServerSession>(error);
            }

            var next = apply(stored!);
            Volatile.Write(ref slot.Session, next);
            return Task.FromResult(next);
        }
    }

    private ServerSession? Read(string id) => _sessions.TryGetValue(id, out var slot) ? Volatile.Read(ref slot.Session) : null;

    private IEnumerable<ServerSession> Snapshot()
    {
        foreach (var slot in _sessions.Values)
        {
            if (Volatile.Read(ref slot.Session) is { } session)
            {
                yield return session;
            }
        }
    }

    private DateTimeOffset Now() => _timeProvider.GetUtcNow();

    /// <summary>One session's cell; its lock serializes the writes to that session only.</summary>
    private sealed class Slot(ServerSession session)
    {
        public ServerSession? Session = session;
    }
}
