using System.Collections.Concurrent;

namespace Sessions.Tests.Reliability;

/// <summary>
/// A mixed load on one store: workers create, touch, update, revoke, expire, delete, re-read and list sessions at
/// random, and check the store's promises as they go and at the end. Every check that fails is a violation; the
/// counts say how much load ran.
/// </summary>
/// <remarks>
/// Order is judged by a logical clock: an event "happened before" another when its tick is smaller. A call takes its
/// tick before it starts; a result takes its tick after it returned.
/// </remarks>
public sealed class MixedLoadSoak
{
    private const int Users = 4;
    private const int MaxLive = 240;

    private readonly ISessionStore _store;
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<string, Tracked> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Tracked> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _operations = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();
    private long _clock;
    private long _calls;

    public MixedLoadSoak(ISessionStore store)
    {
        _store = store;
    }

    /// <summary>Gets how many store calls of each kind ran.</summary>
    public IReadOnlyDictionary<string, long> Operations => _operations;

    /// <summary>Gets every broken promise, described.</summary>
    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Gets how many sessions were created.</summary>
    public int SessionsCreated => _sessions.Count;

    /// <summary>Runs <paramref name="workers"/> workers for <paramref name="duration"/>, then checks the final state.</summary>
    public async Task RunAsync(int workers, TimeSpan duration)
    {
        for (var i = 0; i < 32; i++)
        {
            await CreateAsync(new Random(i));
        }

        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w, stop.Token))));
        await CheckFinalStateAsync();
    }

    private async Task WorkAsync(int worker, CancellationToken stop)
    {
        var random = new Random(1_000 + worker);
        while (!stop.IsCancellationRequested)
        {
            // The in-memory store completes synchronously: let the timer and the other workers in.
            await Task.Yield();
            try
            {
                var roll = random.Next(100);
                var task = roll switch
                {
                    < 45 => TouchAsync(random),
                    < 53 => CreateAsync(random),
                    < 62 => UpdateAsync(random),
                    < 67 => RevokeAsync(random, worker),
                    < 70 => ExpireAsync(random),
                    < 73 => DeleteAsync(random),
                    < 85 => RereadAsync(random),
                    < 89 => FindActiveAsync(random),
                    < 95 => WalkUserAsync(random),
                    _ => WalkActiveAsync(),
                };
                await task;
            }
            catch (Exception ex)
            {
                Violation($"unexpected {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    private async Task CreateAsync(Random random)
    {
        if (_live.Count >= MaxLive)
        {
            await DeleteAsync(random);
            return;
        }

        var user = random.Next(Users);
        var session = ServerSession.Start($"soak-user-{user}-{_tag}", $"soak-profile-{user}-{_tag}", $"soak-instance-{random.Next(Users * 4)}-{_tag}", "svc", TimeSpan.FromHours(2), DateTimeOffset.UtcNow);
        var created = await Call("Create", () => _store.CreateAsync(session));
        var tracked = new Tracked(created, Tick());
        _sessions[created.Id] = tracked;
        _live[created.Id] = tracked;
    }

    private async Task TouchAsync(Random random)
    {
        if (Pick(random) is not { } tracked)
        {
            return;
        }

        var started = Tick();
        try
        {
            await Call("Touch", () => _store.TouchAsync(tracked.Session.Id));
            Interlocked.Increment(ref tracked.Touches);
            if (Volatile.Read(ref tracked.TerminalReturned) < started)
            {
                Violation($"Touch of {tracked.Session.Id} succeeded after its {tracked.Terminal!.Status} transition had returned");
            }
        }
        catch (SessionNotActiveException)
        {
        }
        catch (SessionNotFoundException) when (Volatile.Read(ref tracked.DeleteStart) < Tick())
        {
        }
    }

    private async Task UpdateAsync(Random random)
    {
        if (Pick(random) is not { } tracked)
        {
            return;
        }

        var started = Tick();
        try
        {
            var current = await Call("Get", () => _store.GetAsync(tracked.Session.Id));
            if (current.Status != SessionStatus.Active)
            {
                return;
            }

            var updated = await Call("Update", () => _store.UpdateAsync(current with { ExpiresAt = current.ExpiresAt.AddMinutes(1), SourceIdentity = $"renewed-{random.Next()}" }));
            if (Volatile.Read(ref tracked.TerminalReturned) < started || updated.Status != SessionStatus.Active)
            {
                Violation($"Update of {tracked.Session.Id} succeeded on a terminal session");
            }
        }
        catch (Exception ex) when (ex is SessionConcurrencyException or InvalidSessionTransitionException)
        {
        }
        catch (SessionNotFoundException) when (Volatile.Read(ref tracked.DeleteStart) < Tick())
        {
        }
    }

    private Task RevokeAsync(Random random, int worker)
    {
        var reason = $"soak call {Interlocked.Increment(ref _calls)}";
        return LeaveActiveAsync(random, "Revoke", id => _store.RevokeAsync(id, $"worker-{worker}", reason));
    }

    private Task ExpireAsync(Random random) => LeaveActiveAsync(random, "Expire", id => _store.ExpireAsync(id));

    private async Task LeaveActiveAsync(Random random, string operation, Func<string, Task<ServerSession>> transition)
    {
        if (Pick(random) is not { } tracked)
        {
            return;
        }

        InterlockedMin(ref tracked.LeaveStart, Tick());
        try
        {
            var terminal = await Call(operation, () => transition(tracked.Session.Id));
            lock (tracked)
            {
                if (tracked.Terminal is not null)
                {
                    Violation($"{operation} of {tracked.Session.Id} succeeded after it was already {tracked.Terminal.Status}");
                }

                tracked.Terminal = terminal;
                Volatile.Write(ref tracked.TerminalReturned, Tick());
            }
        }
        catch (SessionNotActiveException)
        {
        }
        catch (SessionNotFoundException) when (Volatile.Read(ref tracked.DeleteStart) < Tick())
        {
        }
    }

    private async Task DeleteAsync(Random random)
    {
        // Delete mostly terminal sessions, the way retention does, and now and then an Active one.
        var candidates = _live.Values.Where(s => s.Terminal is not null || random.Next(4) == 0).ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        var tracked = candidates[random.Next(candidates.Count)];
        InterlockedMin(ref tracked.DeleteStart, Tick());
        InterlockedMin(ref tracked.LeaveStart, Tick());
        _live.TryRemove(tracked.Session.Id, out _);
        await Call("Delete", () => _store.DeleteAsync(tracked.Session.Id));
    }

    private async Task RereadAsync(Random random)
    {
        var terminal = _live.Values.Where(s => s.Terminal is not null).ToList();
        if (terminal.Count == 0)
        {
            return;
        }

        var tracked = terminal[random.Next(terminal.Count)];
        try
        {
            var stored = await Call("Get", () => _store.GetAsync(tracked.Session.Id));
            if (stored != tracked.Terminal)
            {
                Violation($"terminal session {tracked.Session.Id} changed: {tracked.Terminal} became {stored}");
            }
        }
        catch (SessionNotFoundException) when (Volatile.Read(ref tracked.DeleteStart) < Tick())
        {
        }
    }

    private async Task FindActiveAsync(Random random)
    {
        var instance = $"soak-instance-{random.Next(Users * 4)}-{_tag}";
        var found = await Call("FindActiveByServerInstance", () => _store.FindActiveByServerInstanceAsync(instance));
        if (found is not null && (found.ServerInstanceId != instance || found.Status != SessionStatus.Active))
        {
            Violation($"FindActiveByServerInstance({instance}) returned {found.Id}, {found.Status} on {found.ServerInstanceId}");
        }
    }

    private async Task WalkUserAsync(Random random)
    {
        var user = $"soak-user-{random.Next(Users)}-{_tag}";
        var started = Tick();
        var listed = await WalkAsync("ListByUser", p => _store.ListByUserAsync(user, p), 5);
        var ended = Tick();
        foreach (var session in listed.Where(s => s.User != user))
        {
            Violation($"ListByUser({user}) returned {session.Id} of {session.User}");
        }

        // A user's sessions never leave the user's list until deleted.
        CheckWalk($"ListByUser({user})", listed, s => s.Session.User == user && s.Created < started && Volatile.Read(ref s.DeleteStart) > ended);
    }

    private async Task WalkActiveAsync()
    {
        var started = Tick();
        var listed = await WalkAsync("ListByStatus", p => _store.ListByStatusAsync(SessionStatus.Active, p), 50);
        var ended = Tick();
        foreach (var session in listed.Where(s => s.Status != SessionStatus.Active))
        {
            Violation($"ListByStatus(Active) returned {session.Id}, which is {session.Status}");
        }

        CheckWalk("ListByStatus(Active)", listed, s => s.Created < started && Volatile.Read(ref s.LeaveStart) > ended);
    }

    private void CheckWalk(string list, List<ServerSession> listed, Func<Tracked, bool> existedThroughout)
    {
        var seen = listed.GroupBy(s => s.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var (id, count) in seen.Where(s => s.Value > 1))
        {
            Violation($"{list} returned {id} {count} times in one walk");
        }

        foreach (var tracked in _live.Values.Where(existedThroughout))
        {
            if (!seen.ContainsKey(tracked.Session.Id))
            {
                Violation($"{list} missed {tracked.Session.Id}, which existed throughout the walk");
            }
        }
    }

    private async Task<List<ServerSession>> WalkAsync(string operation, Func<PageRequest, Task<SessionPage>> list, int limit)
    {
        var all = new List<ServerSession>();
        var page = new PageRequest(limit);
        do
        {
            var result = await Call(operation, () => list(page));
            all.AddRange(result.Items);
            page = page with { ContinuationToken = result.ContinuationToken };
        }
        while (page.ContinuationToken is not null);

        return all;
    }

    private async Task CheckFinalStateAsync()
    {
        foreach (var tracked in _sessions.Values.Where(s => s.DeleteStart == long.MaxValue))
        {
            var stored = await Call("Get", () => _store.GetAsync(tracked.Session.Id));
            if (stored.RequestCount != tracked.Touches)
            {
                Violation($"{tracked.Session.Id} counts {stored.RequestCount} requests but {tracked.Touches} touches succeeded");
            }

            if (tracked.Terminal is not null && stored != tracked.Terminal)
            {
                Violation($"terminal session {tracked.Session.Id} changed by the end: {tracked.Terminal} became {stored}");
            }

            if (tracked.Terminal is null && stored.Status != SessionStatus.Active)
            {
                Violation($"{tracked.Session.Id} is {stored.Status} although no transition succeeded");
            }
        }
    }

    private Tracked? Pick(Random random)
    {
        var live = _live.Values;
        return live.Count == 0 ? null : live.ElementAt(random.Next(live.Count));
    }

    private async Task<T> Call<T>(string operation, Func<Task<T>> call)
    {
        _operations.AddOrUpdate(operation, 1, (_, n) => n + 1);
        return await call();
    }

    private async Task Call(string operation, Func<Task> call)
    {
        _operations.AddOrUpdate(operation, 1, (_, n) => n + 1);
        await call();
    }

    private long Tick() => Interlocked.Increment(ref _clock);

    private void Violation(string description) => _violations.Enqueue(description);

    private static void InterlockedMin(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>What the workers know about one session.</summary>
    private sealed class Tracked(ServerSession session, long created)
    {
        public long Touches;
        public long TerminalReturned = long.MaxValue;
        public long LeaveStart = long.MaxValue;
        public long DeleteStart = long.MaxValue;

        public ServerSession Session { get; } = session;

        public long Created { get; } = created;

        public ServerSession? Terminal { get; set; }
    }
}
