using Sessions.TestSupport.Replication;
using static Sessions.TestSupport.Replication.SimulatedRegion;

namespace Sessions.Tests.Replication;

/// <summary>
/// The two-Region simulation of a global table in multi-Region eventual consistency (<see cref="TwoRegionReplicator"/>):
/// it carries every write, in order, after its delay, resolves conflicts by last writer wins on the whole item, and
/// converges; and, with the library's store as it is today on each Region's client, it shows the hazard of that mode —
/// a Touch in one Region made before a revocation from the other arrived erases the revocation in both.
/// </summary>
public sealed class TwoRegionSimulationTests(TwoRegionServers servers, ITestOutputHelper output) : IClassFixture<TwoRegionServers>
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2037, 9, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_revocation_in_one_Region_is_lost_to_a_Touch_made_in_the_other_before_it_arrived()
    {
        await using var replicator = await StartAsync();
        var storeA = TestStores.DynamoDb(replicator.CreateClient(A), replicator.TableName, _time);
        var storeB = TestStores.DynamoDb(replicator.CreateClient(B), replicator.TableName, _time);
        var created = await storeA.CreateAsync(ServerSession.Start("alice", "prod", "i-a", "svc", TimeSpan.FromHours(8), _time.GetUtcNow()));
        await replicator.WaitUntilQuiescentAsync();
        (await storeB.GetAsync(created.Id)).Should().Be(created, "the session was carried to B");

        // A's writes do not reach B for now; B's reach A at once.
        await replicator.PauseAsync(from: A);
        var revoked = await storeA.RevokeAsync(created.Id, "ops@example.com", "key leaked");
        _time.Advance(TimeSpan.FromSeconds(1));
        await storeB.TouchAsync(created.Id);
        replicator.Resume(from: A);
        await replicator.WaitUntilQuiescentAsync();

        revoked.Status.Should().Be(SessionStatus.Revoked, "the revocation was acknowledged in A");
        var inA = await storeA.GetAsync(created.Id);
        var inB = await storeB.GetAsync(created.Id);
        inA.Should().Be(inB, "both Regions converged on one item");
        inA.Status.Should().Be(SessionStatus.Active, "B's Touch is the later write and won on the whole item: the revocation is lost in both Regions");
        inA.RevokedBy.Should().BeNull();
        inA.RequestCount.Should().Be(1);
        replicator.Counts.Should().Be(new ReplicationCounts(
            CapturedInA: 2, CapturedInB: 1, CarriedAToB: 1, CarriedBToA: 1, DiscardedAToB: 1, DiscardedBToA: 0));

        await storeA.TouchAsync(created.Id);
        (await storeA.GetAsync(created.Id)).RequestCount.Should().Be(2, "A serves the revoked session again");
    }

    [Fact]
    public async Task Conflicting_writes_to_one_item_resolve_to_the_later_write_on_the_whole_item_in_both_Regions()
    {
        await using var replicator = await StartAsync();
        var (a, b) = (replicator.CreateClient(A), replicator.CreateClient(B));
        await a.PutItemAsync(Put(replicator, "k", ("base", "1")));
        await replicator.WaitUntilQuiescentAsync();

        await replicator.CutOffAsync(A);
        await a.UpdateItemAsync(Set(replicator, "k", "x", "from A"));
        await b.UpdateItemAsync(Set(replicator, "k", "y", "from B"));
        replicator.Heal();
        await replicator.WaitUntilQuiescentAsync();

        foreach (var client in new[] { a, b })
        {
            (await GetAsync(client, replicator, "k")).Should().BeEquivalentTo(Item("k", ("base", "1"), ("y", "from B")),
                "the last writer's whole item wins: A's attribute is gone although B's write did not touch it");
        }

        replicator.Counts.DiscardedAToB.Should().Be(1);
        replicator.Counts.CarriedBToA.Should().Be(1);
    }

    [Fact]
    public async Task Writes_made_while_a_Region_is_cut_off_are_carried_in_the_order_they_were_made_once_it_heals()
    {
        await using var replicator = await StartAsync();
        var a = replicator.CreateClient(A);
        await replicator.PauseAsync(from: A);
        for (var i = 0; i < 20; i++)
        {
            await a.PutItemAsync(Put(replicator, "k", ("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        await a.DeleteItemAsync(new DeleteItemRequest { TableName = replicator.TableName, Key = Key("gone") });
        await a.PutItemAsync(Put(replicator, "gone", ("n", "x")));
        await a.DeleteItemAsync(new DeleteItemRequest { TableName = replicator.TableName, Key = Key("gone") });
        (await GetAsync(replicator.CreateClient(B), replicator, "k")).Should().BeNull("nothing crossed while the link was down");

        replicator.Resume(from: A);
        await replicator.WaitUntilQuiescentAsync();

        var b = replicator.CreateClient(B);
        (await GetAsync(b, replicator, "k")).Should().BeEquivalentTo(Item("k", ("n", "19")));
        (await GetAsync(b, replicator, "gone")).Should().BeNull();
        replicator.Counts.Should().Be(new ReplicationCounts(22, 0, 22, 0, 0, 0),
            "every write arrived in order, so none met a later one (the delete of a missing item changed nothing and was not carried)");
    }

    [Fact]
    public async Task A_write_is_carried_only_once_the_delay_has_passed_on_the_replicators_clock()
    {
        var clock = new FakeTimeProvider(_time.GetUtcNow());
        await using var replicator = await StartAsync(TimeSpan.FromSeconds(2), clock);
        await replicator.CreateClient(A).PutItemAsync(Put(replicator, "k", ("n", "1")));
        var b = replicator.CreateClient(B);

        clock.Advance(TimeSpan.FromMilliseconds(1999));
        (await GetAsync(b, replicator, "k")).Should().BeNull("the delay has not passed");
        replicator.Counts.CarriedAToB.Should().Be(0);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await replicator.WaitUntilQuiescentAsync();

        (await GetAsync(b, replicator, "k")).Should().BeEquivalentTo(Item("k", ("n", "1")));
    }

    [Fact]
    public async Task Quiescence_waits_for_a_paused_direction_and_says_what_is_pending_when_it_gives_up()
    {
        await using var replicator = await StartAsync();
        await replicator.PauseAsync(from: B);
        await replicator.CreateClient(B).PutItemAsync(Put(replicator, "k", ("n", "1")));

        var error = await FluentActions.Awaiting(() => replicator.WaitUntilQuiescentAsync(TimeSpan.Zero)).Should().ThrowAsync<TimeoutException>();

        error.Which.Message.Should().Contain("A to B 0, B to A 1 (paused)");
        replicator.Resume(from: B);
        await replicator.WaitUntilQuiescentAsync();
        replicator.Counts.CarriedBToA.Should().Be(1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_writes_in_both_Regions_while_the_links_fail_and_heal_converge_on_the_last_writer_of_each_item(int seed)
    {
        await using var replicator = await StartAsync();
        string[] keys = ["k0", "k1", "k2", "k3"];

        async Task WriteAsync(SimulatedRegion region)
        {
            var random = new Random((seed * 10) + (int)region);
            var client = replicator.CreateClient(region);
            for (var i = 0; i < 40; i++)
            {
                var key = keys[random.Next(keys.Length)];
                switch (random.Next(10))
                {
                    case < 4:
                        await client.PutItemAsync(Put(replicator, key, ("by", $"{region}{i}"), ("v", random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture))));
                        break;
                    case < 7:
                        await client.UpdateItemAsync(new UpdateItemRequest
                        {
                            TableName = replicator.TableName,
                            Key = Key(key),
                            UpdateExpression = "ADD #n :one SET #by = :by",
                            ExpressionAttributeNames = new() { ["#n"] = "n", ["#by"] = "by" },
                            ExpressionAttributeValues = new() { [":one"] = new AttributeValue { N = "1" }, [":by"] = new AttributeValue { S = $"{region}{i}" } },
                        });
                        break;
                    case < 9:
                        await client.DeleteItemAsync(new DeleteItemRequest { TableName = replicator.TableName, Key = Key(key) });
                        break;
                    default:
                        var from = random.Next(2) == 0 ? A : B;
                        if (random.Next(2) == 0)
                        {
                            await replicator.PauseAsync(from);
                        }
                        else
                        {
                            replicator.Resume(from);
                        }

                        break;
                }
            }
        }

        await Task.WhenAll(Task.Run(() => WriteAsync(A)), Task.Run(() => WriteAsync(B)));
        replicator.Heal();
        await replicator.WaitUntilQuiescentAsync();

        var log = replicator.Log;
        var (a, b) = (replicator.CreateClient(A), replicator.CreateClient(B));
        foreach (var key in keys)
        {
            var last = log.Where(w => w.Key["id"].S == key).MaxBy(w => w.Stamp);
            var inA = await GetAsync(a, replicator, key);
            var inB = await GetAsync(b, replicator, key);
            ItemImages.Equal(inA, inB).Should().BeTrue($"{key}: A holds {ItemImages.Describe(inA)}, B holds {ItemImages.Describe(inB)}");
            ItemImages.Equal(inA, last?.Image).Should().BeTrue($"{key}: both hold the last write's item {ItemImages.Describe(last?.Image)}, not {ItemImages.Describe(inA)}");
        }

        var counts = replicator.Counts;
        (counts.CarriedAToB + counts.DiscardedAToB).Should().Be(counts.CapturedInA, "every write of A was carried to B or lost to a later one there");
        (counts.CarriedBToA + counts.DiscardedBToA).Should().Be(counts.CapturedInB);
        counts.CapturedInA.Should().Be(log.Count(w => w.Region == A));
        output.WriteLine($"seed {seed}: {counts}");
    }

    private Task<TwoRegionReplicator> StartAsync(TimeSpan? delay = null, TimeProvider? clock = null) =>
        TwoRegionReplicator.StartAsync(servers, "sessions-2r-" + Guid.NewGuid().ToString("N")[..12], delay ?? TimeSpan.Zero, clock);

    private static Dictionary<string, AttributeValue> Key(string id) => new() { ["id"] = new AttributeValue { S = id } };

    private static Dictionary<string, AttributeValue> Item(string id, params (string Name, string Value)[] attributes)
    {
        var item = Key(id);
        foreach (var (name, value) in attributes)
        {
            item[name] = new AttributeValue { S = value };
        }

        return item;
    }

    private static PutItemRequest Put(TwoRegionReplicator replicator, string id, params (string Name, string Value)[] attributes) =>
        new() { TableName = replicator.TableName, Item = Item(id, attributes) };

    private static UpdateItemRequest Set(TwoRegionReplicator replicator, string id, string attribute, string value) => new()
    {
        TableName = replicator.TableName,
        Key = Key(id),
        UpdateExpression = "SET #a = :v",
        ExpressionAttributeNames = new() { ["#a"] = attribute },
        ExpressionAttributeValues = new() { [":v"] = new AttributeValue { S = value } },
    };

    private static async Task<Dictionary<string, AttributeValue>?> GetAsync(IAmazonDynamoDB client, TwoRegionReplicator replicator, string id)
    {
        var response = await client.GetItemAsync(new GetItemRequest { TableName = replicator.TableName, Key = Key(id), ConsistentRead = true });
        return response.Item is { Count: > 0 } item ? item : null;
    }
}
