using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.Options;
using Sessions.TestSupport.Replication;
using static Sessions.TestSupport.Replication.SimulatedRegion;

namespace Sessions.Tests.Replication;

/// <summary>
/// The store on a global table in multi-Region eventual consistency with home Regions
/// (<see cref="DynamoDbSessionStoreOptions.GlobalTableRegions"/>), in the two-Region simulation: every write of a session
/// goes to the replica of the Region it is homed in, so no write of one Region ever conflicts with one of the other, and a
/// revocation acknowledged in either Region holds in both, whatever traffic the other runs, cut off or not.
/// <see cref="TwoRegionSimulationTests"/> shows the same traffic losing a revocation without home Regions.
/// </summary>
public sealed class HomeRegionTests(TwoRegionServers servers, ITestOutputHelper output) : IClassFixture<TwoRegionServers>
{
    /// <summary>Region A, the first of the list: also the home of every session that names none.</summary>
    private const string RegionA = "eu-west-1";
    private const string RegionB = "us-east-1";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2037, 9, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_revocation_holds_in_both_Regions_although_the_other_Region_touched_the_session_before_it_arrived()
    {
        // TwoRegionSimulationTests' lost revocation, with home Regions: B's Touch goes to the session's home, A.
        await using var sim = await StartAsync();
        var created = await sim.A.CreateAsync(Start("i-a"));
        await sim.Replicator.WaitUntilQuiescentAsync();

        await sim.Replicator.PauseAsync(from: A);
        var revoked = await sim.A.RevokeAsync(created.Id, "ops@example.com", "key leaked");
        _time.Advance(TimeSpan.FromSeconds(1));
        await sim.B.Invoking(b => b.TouchAsync(created.Id)).Should().ThrowAsync<SessionRevokedException>("B's Touch is decided in A, where the revocation is");
        sim.Replicator.Resume(from: A);
        await sim.Replicator.WaitUntilQuiescentAsync();

        foreach (var region in new[] { A, B })
        {
            var stored = await sim.LocalReader(region).GetAsync(created.Id);
            stored.Should().Be(revoked, $"the revocation holds in {region}'s replica");
        }

        sim.Replicator.Counts.Should().Be(new ReplicationCounts(
            CapturedInA: 2, CapturedInB: 0, CarriedAToB: 2, CarriedBToA: 0, DiscardedAToB: 0, DiscardedBToA: 0), "no write of the session was ever made in B");
    }

    [Fact]
    public async Task A_revocation_made_in_the_other_Region_is_sent_to_the_sessions_home_and_ends_its_serving_there_at_once()
    {
        await using var sim = await StartAsync();
        var created = await sim.B.CreateAsync(Start("i-b"));
        await sim.Replicator.WaitUntilQuiescentAsync();
        await sim.B.TouchAsync(created.Id);

        // A's writes would take their time to reach B: the revocation does not wait for replication.
        await sim.Replicator.PauseAsync(from: A);
        sim.ResetCounts();
        var revoked = await sim.A.RevokeAsync(created.Id, "ops@example.com", "left the company");
        sim.Requests(A).Should().Be(1, "A's replica refuses the write (homed in B) and names the home in the same answer");
        sim.Requests(B).Should().Be(1);
        await sim.B.Invoking(b => b.TouchAsync(created.Id)).Should().ThrowAsync<SessionRevokedException>();
        sim.Replicator.Resume(from: A);
        await sim.Replicator.WaitUntilQuiescentAsync();

        revoked.RequestCount.Should().Be(1);
        (await sim.LocalReader(A).GetAsync(created.Id)).Should().Be(revoked);
        (await sim.LocalReader(B).GetAsync(created.Id)).Should().Be(revoked);
        sim.Replicator.Counts.CapturedInA.Should().Be(0, "nothing of a session homed in B is written in A");
    }

    [Fact]
    public async Task Touch_of_a_session_homed_here_is_one_request_and_of_one_homed_elsewhere_two()
    {
        await using var sim = await StartAsync();
        var inA = await sim.A.CreateAsync(Start("i-a"));
        var inB = await sim.B.CreateAsync(Start("i-b"));
        await sim.Replicator.WaitUntilQuiescentAsync();

        sim.ResetCounts();
        await sim.A.TouchAsync(inA.Id);
        (sim.Requests(A), sim.Requests(B)).Should().Be((1, 0), "the hot path of a server in its own Region is one UpdateItem, as on a table of one Region");

        sim.ResetCounts();
        await sim.A.TouchAsync(inB.Id);
        (sim.Requests(A), sim.Requests(B)).Should().Be((1, 1), "A's replica refuses and names B; B applies it");

        sim.ResetCounts();
        (await sim.A.GetAsync(inB.Id)).RequestCount.Should().Be(1, "a Get reads the session where it is written");
        (sim.Requests(A), sim.Requests(B)).Should().Be((1, 1));
    }

    [Fact]
    public async Task A_session_created_in_the_other_Region_a_moment_ago_is_found_there_before_it_arrives_here()
    {
        await using var sim = await StartAsync();
        await sim.Replicator.PauseAsync(from: B);
        var created = await sim.B.CreateAsync(Start("i-b"));

        await sim.A.TouchAsync(created.Id);
        (await sim.A.GetAsync(created.Id)).RequestCount.Should().Be(1);
        var revoked = await sim.A.RevokeAsync(created.Id, "ops@example.com", "test");
        await sim.A.Invoking(a => a.TouchAsync(created.Id)).Should().ThrowAsync<SessionRevokedException>();
        await sim.A.Invoking(a => a.TouchAsync("0123456789abcdef")).Should().ThrowAsync<SessionNotFoundException>("no Region holds that one");

        sim.Replicator.Resume(from: B);
        await sim.Replicator.WaitUntilQuiescentAsync();
        (await sim.LocalReader(A).GetAsync(created.Id)).Should().Be(revoked);
        sim.Replicator.Counts.CapturedInA.Should().Be(0);
    }

    [Fact]
    public async Task A_session_deleted_in_its_home_is_not_found_although_the_other_Region_still_holds_it()
    {
        await using var sim = await StartAsync();
        var created = await sim.A.CreateAsync(Start("i-a"));
        await sim.Replicator.WaitUntilQuiescentAsync();
        await sim.Replicator.PauseAsync(from: A);
        await sim.A.DeleteAsync(created.Id);

        (await sim.LocalReader(B).GetAsync(created.Id)).Should().Be(created, "the deletion has not reached B");
        await sim.A.Invoking(a => a.TouchAsync(created.Id)).Should().ThrowAsync<SessionNotFoundException>("B's copy names A as its home, where it is gone");
        await sim.A.Invoking(a => a.GetAsync(created.Id)).Should().ThrowAsync<SessionNotFoundException>();
        await sim.B.Invoking(b => b.TouchAsync(created.Id)).Should().ThrowAsync<SessionNotFoundException>();
        sim.Replicator.Resume(from: A);
        await sim.Replicator.WaitUntilQuiescentAsync();
        sim.Replicator.Counts.CapturedInB.Should().Be(0);
    }

    [Fact]
    public async Task While_a_Region_is_cut_off_each_Region_serves_only_its_own_sessions_and_a_revocation_that_cannot_reach_the_home_is_refused()
    {
        await using var sim = await StartAsync();
        var inA = await sim.A.CreateAsync(Start("i-a"));
        var inB = await sim.B.CreateAsync(Start("i-b"));
        await sim.Replicator.WaitUntilQuiescentAsync();

        await sim.Replicator.CutOffAsync(B);
        await sim.A.TouchAsync(inA.Id);
        await sim.B.TouchAsync(inB.Id);
        var refused = await sim.A.Invoking(a => a.RevokeAsync(inB.Id, "ops@example.com", "key leaked")).Should().ThrowAsync<SessionStoreException>();
        refused.Which.Should().BeOfType<SessionStoreException>("a provider fault: nothing was acknowledged, so nothing is lost");
        refused.Which.InnerException.Should().BeOfType<HttpRequestException>();
        await sim.B.Invoking(b => b.TouchAsync(inA.Id)).Should().ThrowAsync<SessionStoreException>("B cannot reach the session's home: it is not served (fail closed)");

        sim.Replicator.Heal();
        var revoked = await sim.A.RevokeAsync(inB.Id, "ops@example.com", "key leaked");
        await sim.B.Invoking(b => b.TouchAsync(inB.Id)).Should().ThrowAsync<SessionRevokedException>();
        await sim.Replicator.WaitUntilQuiescentAsync();

        foreach (var region in new[] { A, B })
        {
            (await sim.LocalReader(region).GetAsync(inB.Id)).Should().Be(revoked);
            (await sim.LocalReader(region).GetAsync(inA.Id)).RequestCount.Should().Be(1, "the Touch B could not send was not counted");
        }

        revoked.RequestCount.Should().Be(1);
        sim.Replicator.CrossRegionRequestsRefused.Should().BePositive();
        (sim.Replicator.Counts.DiscardedAToB + sim.Replicator.Counts.DiscardedBToA).Should().Be(0);
    }

    [Fact]
    public async Task Update_Expire_and_Delete_from_the_other_Region_are_applied_in_the_sessions_home()
    {
        await using var sim = await StartAsync();
        var updated = await sim.B.CreateAsync(Start("i-1"));
        var expired = await sim.B.CreateAsync(Start("i-2"));
        var deleted = await sim.B.CreateAsync(Start("i-3"));
        await sim.Replicator.WaitUntilQuiescentAsync();

        var written = await sim.A.UpdateAsync(updated with { SourceIdentity = "svc-2" });
        await sim.A.ExpireAsync(expired.Id);
        await sim.A.DeleteAsync(deleted.Id);
        await sim.A.DeleteAsync(deleted.Id);
        await sim.A.DeleteAsync("0123456789abcdef");
        await sim.Replicator.WaitUntilQuiescentAsync();

        written.Version.Should().Be(2);
        foreach (var region in new[] { A, B })
        {
            var reader = sim.LocalReader(region);
            (await reader.GetAsync(updated.Id)).Should().Be(written);
            (await reader.GetAsync(expired.Id)).Status.Should().Be(SessionStatus.Expired);
            await reader.Invoking(r => r.GetAsync(deleted.Id)).Should().ThrowAsync<SessionNotFoundException>();
        }

        sim.Replicator.Counts.CapturedInA.Should().Be(0, "every write went to B, the sessions' home");
    }

    [Fact]
    public async Task A_session_without_a_home_is_homed_in_the_first_Region_and_one_homed_in_an_unknown_Region_is_neither_served_nor_written()
    {
        await using var sim = await StartAsync();
        // Written before home Regions were turned on (a store of one Region), and by hand.
        var unmarked = await TestStores.DynamoDb(sim.Replicator.CreateClient(A), sim.Replicator.TableName, _time).CreateAsync(Start("i-old"));
        var malformed = await TestStores.DynamoDb(sim.Replicator.CreateClient(A), sim.Replicator.TableName, _time).CreateAsync(Start("i-odd"));
        var foreign = await TestStores.DynamoDb(sim.Replicator.CreateClient(A), sim.Replicator.TableName, _time).CreateAsync(Start("i-far"));
        var raw = sim.Replicator.CreateClient(A);
        await SetHomeAsync(raw, sim.Replicator.TableName, malformed.Id, new AttributeValue { N = "7" });
        await SetHomeAsync(raw, sim.Replicator.TableName, foreign.Id, new AttributeValue { S = "ap-south-1" });
        await sim.Replicator.WaitUntilQuiescentAsync();
        var capturedInA = sim.Replicator.Counts.CapturedInA;

        await sim.B.TouchAsync(unmarked.Id);
        var revoked = await sim.B.RevokeAsync(malformed.Id, "ops@example.com", "test");
        revoked.Status.Should().Be(SessionStatus.Revoked);
        var notServed = await sim.B.Invoking(b => b.TouchAsync(foreign.Id)).Should().ThrowAsync<SessionStoreException>();
        notServed.Which.Message.Should().Contain("'ap-south-1'").And.Contain("GlobalTableRegions");
        await sim.A.Invoking(a => a.TouchAsync(foreign.Id)).Should().ThrowAsync<SessionStoreException>();
        await sim.A.Invoking(a => a.RevokeAsync(foreign.Id, "ops@example.com", "test")).Should().ThrowAsync<SessionStoreException>();
        await sim.Replicator.WaitUntilQuiescentAsync();

        sim.Replicator.Counts.CapturedInB.Should().Be(0, "sessions that name no home are written in the first Region only");
        sim.Replicator.Counts.CapturedInA.Should().Be(capturedInA + 2, "the Touch and the revocation, nothing of the session homed elsewhere");
        (await sim.LocalReader(B).GetAsync(unmarked.Id)).RequestCount.Should().Be(1);
        (await sim.LocalReader(B).GetAsync(foreign.Id)).Should().Be(foreign, "a session homed in a Region the store does not know is left as it is");
    }

    [Fact]
    public async Task A_store_whose_list_names_only_its_own_Region_writes_no_session_homed_elsewhere()
    {
        await using var sim = await StartAsync();
        var inB = await sim.B.CreateAsync(Start("i-b"));
        await sim.Replicator.WaitUntilQuiescentAsync();
        var alone = DynamoDbSessionStore.ForGlobalTable(
            sim.Replicator.CreateClient(A), new Dictionary<string, IAmazonDynamoDB>(),
            Options.Create(new DynamoDbSessionStoreOptions { TableName = sim.Replicator.TableName, Region = RegionA, GlobalTableRegions = [RegionA] }), _time);

        var refused = await alone.Invoking(a => a.TouchAsync(inB.Id)).Should().ThrowAsync<SessionStoreException>();
        refused.Which.Message.Should().Contain($"'{RegionB}'");
        await alone.Invoking(a => a.RevokeAsync(inB.Id, "ops@example.com", "test")).Should().ThrowAsync<SessionStoreException>();
        (await alone.GetAsync(inB.Id)).Should().Be(inB, "a Get of a session homed in a Region the store does not know reads this Region's replica");
        await sim.Replicator.WaitUntilQuiescentAsync();
        sim.Replicator.Counts.CapturedInA.Should().Be(0);
    }

    /// <summary>
    /// Touch storms in both Regions on sessions of both homes, revocations, Updates and Expires from either Region, and the
    /// Regions cut off from each other and healed, with replication delayed: after quiescence every acknowledged revocation
    /// holds in both Regions, no Touch that started after a revocation was acknowledged succeeded (the bound is zero), each
    /// RequestCount equals the touches that succeeded, and both replicas hold the same items.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Under_touch_storms_revocations_updates_expires_and_cut_offs_no_revocation_is_lost_and_every_count_is_exact(int seed)
    {
        await using var sim = await StartAsync(delay: TimeSpan.FromMilliseconds(15), clock: TimeProvider.System);
        var random = new Random(seed);
        var sessions = new List<(string Id, SimulatedRegion Home)>();
        for (var i = 0; i < 12; i++)
        {
            var home = i % 2 == 0 ? A : B;
            sessions.Add(((await sim.Store(home).CreateAsync(Start($"i-{i}"))).Id, home));
        }

        await sim.Replicator.WaitUntilQuiescentAsync();
        var touches = new ConcurrentDictionary<string, int>();
        var touchLog = new ConcurrentQueue<(string Id, long Started, bool Served)>();
        var revocations = new ConcurrentQueue<(string Id, string By, long Acknowledged)>();
        var expired = new ConcurrentDictionary<string, bool>();
        using var stop = new CancellationTokenSource();

        async Task TouchStormAsync(SimulatedRegion region, int worker)
        {
            var pick = new Random(seed * 100 + worker);
            while (!stop.IsCancellationRequested)
            {
                var (id, _) = sessions[pick.Next(sessions.Count)];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await sim.Store(region).TouchAsync(id);
                    touches.AddOrUpdate(id, 1, static (_, n) => n + 1);
                    touchLog.Enqueue((id, started, true));
                }
                catch (SessionStoreException)
                {
                    touchLog.Enqueue((id, started, false));
                }
            }
        }

        var storms = new List<Task>();
        for (var worker = 0; worker < 6; worker++)
        {
            storms.Add(Task.Run(() => TouchStormAsync(worker % 2 == 0 ? A : B, worker)));
        }

        // The operators: each step from a random Region, now and then with the Regions cut off from each other.
        var order = sessions.OrderBy(_ => random.Next()).ToList();
        for (var step = 0; step < order.Count; step++)
        {
            var (id, _) = order[step];
            var from = random.Next(2) == 0 ? A : B;
            if (step % 3 == 1)
            {
                await sim.Replicator.CutOffAsync(random.Next(2) == 0 ? A : B);
            }

            try
            {
                switch (step % 4)
                {
                    case 3:
                        await sim.Store(from).ExpireAsync(id);
                        expired[id] = true;
                        break;
                    default:
                        var current = await sim.Store(from).GetAsync(id);
                        await sim.Store(from).UpdateAsync(current with { SourceIdentity = $"svc-{step}" });
                        var by = $"ops-{step}@example.com";
                        await sim.Store(from).RevokeAsync(id, by, $"step {step}");
                        revocations.Enqueue((id, by, Stopwatch.GetTimestamp()));
                        break;
                }
            }
            catch (SessionStoreException refused) when (refused.GetType() == typeof(SessionStoreException) || refused is SessionConcurrencyException)
            {
                // The home was cut off from this Region, or a concurrent write came first: not acknowledged.
                output.WriteLine($"step {step} from {from}: {refused.GetType().Name}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(40));
            sim.Replicator.Heal();
            await Task.Delay(TimeSpan.FromMilliseconds(40));
        }

        await stop.CancelAsync();
        await Task.WhenAll(storms);
        sim.Replicator.Heal();
        await sim.Replicator.WaitUntilQuiescentAsync();

        revocations.Should().NotBeEmpty("the run must revoke for its checks to mean anything");
        touchLog.Count(t => t.Served).Should().BeGreaterThan(20);
        foreach (var (id, by, acknowledged) in revocations)
        {
            foreach (var region in new[] { A, B })
            {
                var stored = await sim.LocalReader(region).GetAsync(id);
                stored.Status.Should().Be(SessionStatus.Revoked, $"the revocation of {id} was acknowledged, so it holds in {region}");
                stored.RevokedBy.Should().Be(by);
            }

            touchLog.Where(t => t.Id == id && t.Served && t.Started > acknowledged).Should().BeEmpty($"no Touch of {id} that started after its revocation was acknowledged may succeed");
        }

        foreach (var (id, home) in sessions)
        {
            var inA = await sim.LocalReader(A).GetAsync(id);
            var inB = await sim.LocalReader(B).GetAsync(id);
            inA.Should().Be(inB, "both replicas converged");
            inA.RequestCount.Should().Be(touches.GetValueOrDefault(id), $"every Touch of {id} that succeeded is counted once, and no other");
        }

        var homes = sessions.ToDictionary(s => s.Id, s => s.Home);
        sim.Replicator.Log.Should().OnlyContain(w => homes[w.Key["id"].S] == w.Region, "every write of a session was made in its home Region");
        (sim.Replicator.Counts.DiscardedAToB + sim.Replicator.Counts.DiscardedBToA).Should().Be(0, "so no write ever lost to another Region's");
        output.WriteLine($"seed {seed}: {touchLog.Count(t => t.Served)} touches served, {touchLog.Count(t => !t.Served)} refused, "
            + $"{revocations.Count} revocations, {expired.Count} expiries, {sim.Replicator.CrossRegionRequestsRefused} cross-Region requests refused by cuts; {sim.Replicator.Counts}");
    }

    private static ServerSession Start(string instance) =>
        ServerSession.Start("alice", "prod", instance, "svc", TimeSpan.FromHours(8), new DateTimeOffset(2037, 9, 1, 12, 0, 0, TimeSpan.Zero));

    private static Task SetHomeAsync(IAmazonDynamoDB client, string table, string id, AttributeValue home) =>
        client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = new() { ["id"] = new AttributeValue { S = id } },
            UpdateExpression = "SET home_region = :home",
            ExpressionAttributeValues = new() { [":home"] = home },
        });

    private async Task<Simulation> StartAsync(TimeSpan? delay = null, TimeProvider? clock = null)
    {
        var replicator = await TwoRegionReplicator.StartAsync(servers, "sessions-home-" + Guid.NewGuid().ToString("N")[..12], delay ?? TimeSpan.Zero, clock);
        return new Simulation(replicator, _time);
    }

    /// <summary>The two Regions' stores with home Regions, each counting the requests it sends to each Region's replica.</summary>
    private sealed class Simulation : IAsyncDisposable
    {
        private readonly Dictionary<(SimulatedRegion From, SimulatedRegion To), CountingHandler> _counters = [];
        private readonly TimeProvider _time;

        public Simulation(TwoRegionReplicator replicator, TimeProvider time)
        {
            Replicator = replicator;
            _time = time;
            A = Build(SimulatedRegion.A);
            B = Build(SimulatedRegion.B);
        }

        public TwoRegionReplicator Replicator { get; }

        public DynamoDbSessionStore A { get; }

        public DynamoDbSessionStore B { get; }

        public DynamoDbSessionStore Store(SimulatedRegion region) => region == SimulatedRegion.A ? A : B;

        /// <summary>A store of one Region on <paramref name="region"/>'s replica, to read what that replica holds.</summary>
        public DynamoDbSessionStore LocalReader(SimulatedRegion region) => TestStores.DynamoDb(Replicator.CreateClient(region), Replicator.TableName, _time);

        /// <summary>How many requests both stores sent to <paramref name="region"/>'s replica since <see cref="ResetCounts"/>.</summary>
        public int Requests(SimulatedRegion region) => _counters.Where(c => c.Key.To == region).Sum(c => c.Value.Total);

        public void ResetCounts()
        {
            foreach (var counter in _counters.Values)
            {
                counter.Reset();
            }
        }

        public ValueTask DisposeAsync() => Replicator.DisposeAsync();

        private DynamoDbSessionStore Build(SimulatedRegion home)
        {
            var other = home == SimulatedRegion.A ? SimulatedRegion.B : SimulatedRegion.A;
            var options = new DynamoDbSessionStoreOptions { TableName = Replicator.TableName, Region = NameOf(home), GlobalTableRegions = [RegionA, RegionB] };
            return DynamoDbSessionStore.ForGlobalTable(
                Client(home, home),
                new Dictionary<string, IAmazonDynamoDB> { [NameOf(other)] = Client(other, home) },
                Options.Create(options),
                _time);
        }

        private IAmazonDynamoDB Client(SimulatedRegion region, SimulatedRegion from)
        {
            var counter = new CountingHandler();
            _counters[(from, region)] = counter;
            return Replicator.CreateClient(region, from, counter);
        }

        private static string NameOf(SimulatedRegion region) => region == SimulatedRegion.A ? RegionA : RegionB;
    }
}
