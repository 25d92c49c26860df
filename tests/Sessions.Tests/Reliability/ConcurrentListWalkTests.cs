namespace Sessions.Tests.Reliability;

/// <summary>
/// Lists walked a page at a time while sessions change status between the pages, on several stores and tables at
/// once: every session that matches the query is found exactly once. Status is the only key that changes (Active to
/// Revoked or Expired), so walks by user, profile and time range must find every session, and a walk by a terminal
/// status every session that held it before the walk began.
/// </summary>
public abstract class ConcurrentListWalkTests
{
    private const int Tables = 3;
    private const int SessionsPerTable = 36;
    private static int s_runs;

    /// <summary>Creates a store on a table of its own (or a store of its own) on <paramref name="time"/>.</summary>
    protected abstract Task<ISessionStore> CreateStoreAsync(TimeProvider time);

    [Fact]
    public async Task Walks_by_user_profile_and_time_range_find_every_session_exactly_once_while_statuses_change_between_pages()
    {
        await Task.WhenAll(Enumerable.Range(0, Tables).Select(_ => WalkOneTableAsync()));
    }

    private async Task WalkOneTableAsync()
    {
        // A clock far ahead of the real one (TTL runs on the real clock) and apart from every other run.
        var time = new FakeTimeProvider(new DateTimeOffset(2075, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Interlocked.Increment(ref s_runs)));
        var store = await CreateStoreAsync(time);
        var tag = Guid.NewGuid().ToString("N")[..10];
        var user = "walker-" + tag;
        var profile = "walk-profile-" + tag;
        var from = time.GetUtcNow();
        var sessions = new List<ServerSession>(SessionsPerTable);
        for (var i = 0; i < SessionsPerTable; i++)
        {
            sessions.Add(await store.CreateAsync(ServerSession.Start(user, profile, $"walk-i-{tag}-{i}", "svc", TimeSpan.FromHours(1), time.GetUtcNow())));
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var to = time.GetUtcNow();
        var changer = new StatusChanger(store, sessions, seed: tag.GetHashCode(StringComparison.Ordinal));
        var revokedBefore = new HashSet<string>(await changer.ChangeAsync(3, revoke: true), StringComparer.Ordinal);
        await changer.ChangeAsync(3, revoke: false);

        var walks = await Task.WhenAll(
            WalkAsync(page => store.ListByUserAsync(user, page), limit: 3, changer),
            WalkAsync(page => store.ListByProfileAsync(profile, page), limit: 4, changer),
            WalkAsync(page => store.ListByTimeRangeAsync(from, to, page), limit: 3, changer),
            WalkAsync(page => store.ListByTimeRangeAsync(from, to, page), limit: 1, changer),
            WalkAsync(page => store.ListByStatusAsync(SessionStatus.Revoked, page), limit: 2, changer));

        var all = sessions.Select(s => s.Id).ToList();
        walks[0].Should().BeEquivalentTo(all, "a walk by user finds every session of the user exactly once");
        walks[1].Should().BeEquivalentTo(all, "a walk by profile finds every session of the profile exactly once");
        walks[2].Should().BeEquivalentTo(all, "a walk by time range finds every session in the range exactly once, whatever its status does meanwhile");
        walks[3].Should().BeEquivalentTo(all, "a walk by time range finds every session in the range exactly once, whatever its status does meanwhile");
        revokedBefore.Should().HaveCount(3);
        walks[4].Should().OnlyHaveUniqueItems().And.Contain(revokedBefore,
            "a walk by status finds every session that held it before the walk began");
        changer.Changed.Should().BeGreaterThan(SessionsPerTable / 2, "statuses changed while the walks went on");
    }

    private static async Task<List<string>> WalkAsync(Func<PageRequest, Task<SessionPage>> list, int limit, StatusChanger changer)
    {
        var ids = new List<string>();
        var page = new PageRequest(limit);
        for (var pages = 0; pages < 10_000; pages++)
        {
            var result = await list(page);
            ids.AddRange(result.Items.Select(s => s.Id));
            if (result.ContinuationToken is null)
            {
                return ids;
            }

            await changer.ChangeAsync(1);
            page = new PageRequest(limit, result.ContinuationToken);
        }

        throw new InvalidOperationException("The walk did not end.");
    }

    /// <summary>Revokes or expires Active sessions of one table in a seeded random order, from any walker.</summary>
    private sealed class StatusChanger(ISessionStore store, IReadOnlyList<ServerSession> sessions, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly List<string> _active = sessions.Select(s => s.Id).ToList();
        private readonly HashSet<string> _revoked = new(StringComparer.Ordinal);
        private readonly SemaphoreSlim _gate = new(1, 1);

        public int Changed { get; private set; }

        public bool IsRevoked(string id)
        {
            lock (_revoked)
            {
                return _revoked.Contains(id);
            }
        }

        /// <summary>Changes up to <paramref name="count"/> Active sessions and returns the ids it revoked.</summary>
        /// <param name="count">How many sessions to change.</param>
        /// <param name="revoke">Revoke (true) or expire (false) them; by a coin toss each when <see langword="null"/>.</param>
        public async Task<List<string>> ChangeAsync(int count, bool? revoke = null)
        {
            var revoked = new List<string>();
            await _gate.WaitAsync();
            try
            {
                for (var i = 0; i < count && _active.Count > 0; i++)
                {
                    var at = _random.Next(_active.Count);
                    var id = _active[at];
                    _active.RemoveAt(at);
                    if (revoke ?? _random.Next(2) == 0)
                    {
                        await store.RevokeAsync(id, "walker", "walk");
                        lock (_revoked)
                        {
                            _revoked.Add(id);
                        }

                        revoked.Add(id);
                    }
                    else
                    {
                        await store.ExpireAsync(id);
                    }

                    Changed++;
                }
            }
            finally
            {
                _gate.Release();
            }

            return revoked;
        }
    }
}

public sealed class ConcurrentListWalkTestsInMemory : ConcurrentListWalkTests
{
    protected override Task<ISessionStore> CreateStoreAsync(TimeProvider time) => Task.FromResult<ISessionStore>(new InMemorySessionStore(time));
}

public abstract class DynamoDbConcurrentListWalkTests(DynamoDbServerFixture server) : ConcurrentListWalkTests
{
    protected override async Task<ISessionStore> CreateStoreAsync(TimeProvider time) =>
        TestStores.DynamoDb(server.Client, await server.CreateTableAsync(), time);
}

public sealed class DynamoDbConcurrentListWalkTestsOnDynalite(DynaliteFixture server) : DynamoDbConcurrentListWalkTests(server), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbConcurrentListWalkTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : DynamoDbConcurrentListWalkTests(server), IClassFixture<DynamoDbLocalFixture>;
