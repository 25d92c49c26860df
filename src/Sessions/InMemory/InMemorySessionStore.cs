using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Sessions.Paging;

namespace Sessions.InMemory;

/// <summary>
/// A thread-safe store in process memory with exactly the behaviour of the DynamoDB store: for tests, local runs and
/// the CLI's demo. Each session has its own lock, so Touch never contends beyond its own session. Nothing persists.
/// </summary>
/// <remarks>Each operation emits the same span and duration measurement as on DynamoDB (<see cref="SessionDiagnostics"/>).</remarks>
public sealed class InMemorySessionStore : ISessionStore
{
    private readonly ConcurrentDictionary<string, Slot> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly SessionStoreInstrumentation _instrumentation = new(tableName: null, NullLogger.Instance);

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
        var created = SessionRules.Created(session);
        return Run(SessionStoreOperations.Create, created.Id, () =>
        {
            var slot = new Slot(created);
            while (true)
            {
                if (_sessions.TryAdd(created.Id, slot))
                {
                    return created;
                }

                // A repeated Create of the very same session (a retry) returns the stored copy; any other session is
                // refused. One deleted since the add was refused leaves the id free: add again.
                if (Read(created.Id) is { } stored)
                {
                    return SessionRules.IsCreated(stored, created) ? stored : throw new SessionAlreadyExistsException(created.Id);
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ServerSession> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        return Run(SessionStoreOperations.Get, id, () => Read(id) ?? throw new SessionNotFoundException(id), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ServerSession> UpdateAsync(ServerSession session, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidSession(session);
        return Run(SessionStoreOperations.Update, session.Id, () =>
        {
            var now = Now();
            return Write(session.Id, stored => SessionRules.RefuseUpdate(session, stored, now), stored => SessionRules.Updated(stored, session, now));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        return Run(SessionStoreOperations.Delete, id, () =>
        {
            if (_sessions.TryGetValue(id, out var slot))
            {
                lock (slot)
                {
                    Volatile.Write(ref slot.Session, null);
                    _sessions.TryRemove(new KeyValuePair<string, Slot>(id, slot));
                }
            }

            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task TouchAsync(string id, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        return Run(SessionStoreOperations.Touch, id, () =>
        {
            var now = Now();
            return Write(id, stored => SessionRules.RefuseTouch(id, stored, now), stored => SessionRules.Touched(stored, now));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ServerSession> RevokeAsync(string id, string revokedBy, string reason, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        SessionArguments.ThrowIfInvalidRevoker(revokedBy, reason);
        return Run(SessionStoreOperations.Revoke, id, () =>
            Write(id, stored => SessionRules.RefuseRevoke(id, stored, revokedBy, reason), stored => SessionRules.Revoked(stored, revokedBy, reason, Now())), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ServerSession> ExpireAsync(string id, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        return Run(SessionStoreOperations.Expire, id, () =>
            Write(id, stored => SessionRules.RefuseTransition(id, stored), stored => SessionRules.Expired(stored, Now())), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ServerSession?> FindActiveByServerInstanceAsync(string serverInstanceId, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidKey(serverInstanceId);
        var list = SessionList.ActiveOf(serverInstanceId);
        return Run(list.Operation, null, () => list.Newest(Snapshot()), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionPage> ListByUserAsync(string user, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidKey(user);
        return List(SessionList.ByUser(user), page, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionPage> ListByStatusAsync(SessionStatus status, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidStatus(status);
        return List(SessionList.ByStatus(status), page, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionPage> ListByProfileAsync(string profile, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidKey(profile);
        return List(SessionList.ByProfile(profile), page, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionPage> ListByTimeRangeAsync(DateTimeOffset createdFrom, DateTimeOffset createdBefore, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidRange(createdFrom, createdBefore);
        return List(SessionList.ByTimeRange(createdFrom, createdBefore), page, cancellationToken);
    }

    private Task<SessionPage> List(SessionList list, PageRequest? page, CancellationToken cancellationToken)
    {
        var cursor = list.Start(page);
        if (list.IsEmpty || cursor.State == PageCursorState.Done)
        {
            return Task.FromResult(SessionPage.Empty);
        }

        var limit = (page ?? PageRequest.First).EffectiveLimit;
        var after = SessionList.After(cursor);
        return Run(list.Operation, null, () =>
        {
            // One more than the page, to know whether a next page exists.
            var matching = list.Page(Snapshot().Where(after), limit + 1);
            if (matching.Count <= limit)
            {
                return new SessionPage(matching, null);
            }

            var items = matching.GetRange(0, limit);
            var last = items[^1];
            return new SessionPage(items, PageToken.Encode(list.Query, [PageCursor.After(SessionTimestamp.Format(last.CreatedAt), last.Id)]));
        }, cancellationToken);
    }

    /// <summary>Runs one operation in the shared instrumentation: the same span and measurement as on DynamoDB.</summary>
    private Task<T> Run<T>(string operation, string? id, Func<T> body, CancellationToken cancellationToken) =>
        _instrumentation.RunInPlace(operation, id, body, cancellationToken);

    private ServerSession Write(string id, Func<ServerSession?, Exception?> refuse, Func<ServerSession, ServerSession> apply)
    {
        if (!_sessions.TryGetValue(id, out var slot))
        {
            throw refuse(null) ?? new SessionNotFoundException(id);
        }

        lock (slot)
        {
            var stored = slot.Session;
            if (refuse(stored) is { } error)
            {
                throw error;
            }

            var next = apply(stored!);
            Volatile.Write(ref slot.Session, next);
            return next;
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
