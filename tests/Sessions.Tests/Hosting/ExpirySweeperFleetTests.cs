using Microsoft.Extensions.DependencyInjection;
using Sessions.Hosting;

namespace Sessions.Tests.Hosting;

/// <summary>
/// Several hosts sweep one store on one fake clock: every expired session is expired exactly once, one instance sweeps
/// at a time, a dead holder is replaced within one lease period after the others saw its last write (at most one
/// interval after it wrote), a stopped one at once, and each run's work is bounded.
/// </summary>
public abstract class ExpirySweeperFleetTests
{
    protected static readonly DateTimeOffset Start = new(2035, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);
    private const int MaxSessionsPerRun = 10;

    protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>Returns a store to create and read sessions with, and how each host registers the same store.</summary>
    protected abstract Task<(ISessionStore Admin, Action<IServiceCollection> AddStore)> StoreAsync();

    [Fact]
    public async Task Every_expired_session_is_expired_exactly_once_and_one_instance_sweeps_at_a_time()
    {
        var (admin, addStore) = await StoreAsync();
        var expiring = await CreateAsync(admin, 20, i => TimeSpan.FromSeconds(30 + (i * 25)));
        var lasting = await CreateAsync(admin, 5, _ => TimeSpan.FromDays(1));

        await using var fleet = new SweeperFleet(Time, hosts: 3, addStore, Configure);
        await fleet.StartAsync();
        await fleet.RunUntilAsync(Start + TimeSpan.FromMinutes(12));

        foreach (var id in expiring)
        {
            var stored = await admin.GetAsync(id);
            stored.Status.Should().Be(SessionStatus.Expired);
            stored.Version.Should().Be(2, "one write expired it, and no other touched it");
        }

        foreach (var id in lasting)
        {
            (await admin.GetAsync(id)).Should().Match<ServerSession>(s => s.Status == SessionStatus.Active && s.Version == 1);
        }

        var sweeps = fleet.Sweeps;
        sweeps.Sum(s => s.Expired).Should().Be(expiring.Count);
        sweeps.Should().HaveCountGreaterThanOrEqualTo(12).And.OnlyContain(s => s.Outcome == "success" && s.Examined <= MaxSessionsPerRun);
        sweeps.GroupBy(s => s.StartedAt).Should().OnlyContain(g => g.Count() == 1, "one instance sweeps at each instant");
        fleet.MaxConcurrentSweeps.Should().Be(1);
        sweeps.Select(s => (s.Instance, s.Fence)).Distinct().Should().ContainSingle("the instance that holds the lease keeps it while it lives");
    }

    [Fact]
    public async Task A_host_that_dies_holding_the_lease_is_replaced_within_one_lease_period_and_one_interval()
    {
        var (admin, addStore) = await StoreAsync();
        var expiring = await CreateAsync(admin, 10, i => TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(i * 20));

        await using var fleet = new SweeperFleet(Time, hosts: 3, addStore, Configure);
        await fleet.StartAsync();
        await fleet.RunUntilAsync(Start + TimeSpan.FromSeconds(150));
        var last = fleet.Sweeps[^1];
        fleet.Kill(last.Instance);
        var diedAt = Time.GetUtcNow();

        await fleet.RunUntilAsync(diedAt + LeaseDuration + TimeSpan.FromMinutes(6));

        var sweeps = fleet.Sweeps;
        sweeps.Where(s => s.Instance == last.Instance).Should().OnlyContain(s => s.StartedAt <= diedAt);
        var takeover = sweeps.First(s => s.Instance != last.Instance);
        takeover.StartedAt.Should().BeAfter(diedAt).And.BeOnOrBefore(diedAt + LeaseDuration + Interval,
            "a waiter sees the holder's last write within one interval and takes over once it stood for one lease duration");
        takeover.Fence.Should().BeGreaterThan(last.Fence);
        sweeps.Sum(s => s.Expired).Should().Be(expiring.Count);
        foreach (var id in expiring)
        {
            (await admin.GetAsync(id)).Should().Match<ServerSession>(s => s.Status == SessionStatus.Expired && s.Version == 2);
        }

        sweeps.GroupBy(s => s.StartedAt).Should().OnlyContain(g => g.Count() == 1);
        fleet.MaxConcurrentSweeps.Should().Be(1);
    }

    [Fact]
    public async Task A_host_that_stops_releases_the_lease_and_another_takes_over_at_its_next_run()
    {
        var (admin, addStore) = await StoreAsync();
        await CreateAsync(admin, 3, _ => TimeSpan.FromMinutes(10));

        await using var fleet = new SweeperFleet(Time, hosts: 2, addStore, Configure);
        await fleet.StartAsync();
        await fleet.RunUntilAsync(Start + TimeSpan.FromSeconds(90));
        var last = fleet.Sweeps[^1];
        await fleet.StopAsync(last.Instance);
        var stoppedAt = Time.GetUtcNow();

        await fleet.RunUntilAsync(stoppedAt + Interval);

        var takeover = fleet.Sweeps.Single(s => s.Instance != last.Instance);
        takeover.StartedAt.Should().BeOnOrBefore(stoppedAt + Interval).And.BeBefore(last.StartedAt + LeaseDuration, "the lease was released, not left to lapse");
        takeover.Fence.Should().Be(last.Fence + 1);
    }

    [Fact]
    public async Task A_run_reads_at_most_MaxSessionsPerRun_sessions_and_the_next_run_continues_where_it_stopped()
    {
        var (admin, addStore) = await StoreAsync();
        var expired = await CreateAsync(admin, 35, i => TimeSpan.FromSeconds(1 + i));
        Time.Advance(TimeSpan.FromMinutes(1));

        await using var fleet = new SweeperFleet(Time, hosts: 1, addStore, Configure);
        await fleet.StartAsync();
        await fleet.RunUntilAsync(Time.GetUtcNow() + TimeSpan.FromMinutes(3));

        fleet.Sweeps.Select(s => s.Expired).Should().Equal(10, 10, 10, 5);
        fleet.Sweeps.Should().OnlyContain(s => s.Examined <= MaxSessionsPerRun);
        foreach (var id in expired)
        {
            (await admin.GetAsync(id)).Status.Should().Be(SessionStatus.Expired);
        }
    }

    protected static void Configure(SessionExpirySweeperOptions options)
    {
        options.Interval = Interval;
        options.LeaseDuration = LeaseDuration;
        options.MaxStartDelay = TimeSpan.Zero;
        options.MaxSessionsPerRun = MaxSessionsPerRun;
    }

    protected async Task<List<string>> CreateAsync(ISessionStore store, int count, Func<int, TimeSpan> duration)
    {
        var ids = new List<string>(count);
        var tag = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < count; i++)
        {
            var session = ServerSession.Start("sweep-" + tag, "profile-" + tag, $"instance-{tag}-{i}", "source", duration(i), Time.GetUtcNow());
            ids.Add((await store.CreateAsync(session)).Id);
        }

        return ids;
    }
}

public sealed class InMemoryExpirySweeperFleetTests : ExpirySweeperFleetTests
{
    protected override Task<(ISessionStore Admin, Action<IServiceCollection> AddStore)> StoreAsync()
    {
        var store = new InMemorySessionStore(Time);
        return Task.FromResult<(ISessionStore, Action<IServiceCollection>)>((store, services => services.AddSingleton<ISessionStore>(store)));
    }
}

public abstract class DynamoDbExpirySweeperFleetTests(DynamoDbServerFixture server) : ExpirySweeperFleetTests
{
    private string _table = null!;

    [Fact]
    public async Task A_corrupt_active_item_is_counted_as_failed_and_every_other_expired_session_is_still_expired()
    {
        var (admin, addStore) = await StoreAsync();
        var expiring = await CreateAsync(admin, 6, i => TimeSpan.FromSeconds(30 + (i * 10)));
        var corrupt = expiring[0];
        await server.Client.UpdateItemAsync(new Amazon.DynamoDBv2.Model.UpdateItemRequest
        {
            TableName = _table,
            Key = SessionItem.Key(corrupt),
            UpdateExpression = "SET request_count = :text",
            ExpressionAttributeValues = new() { [":text"] = new() { S = "many" } },
        });

        await using var fleet = new SweeperFleet(Time, hosts: 2, addStore, Configure);
        await fleet.StartAsync();
        await fleet.RunUntilAsync(Start + TimeSpan.FromMinutes(6));

        foreach (var id in expiring.Skip(1))
        {
            (await admin.GetAsync(id)).Status.Should().Be(SessionStatus.Expired);
        }

        fleet.Sweeps.Should().OnlyContain(s => s.Outcome == "success", "one corrupt item fails no run");
        fleet.Sweeps.Sum(s => s.Expired).Should().Be(expiring.Count - 1);
        await FluentActions.Awaiting(() => admin.GetAsync(corrupt)).Should().ThrowAsync<SessionCorruptException>();
    }

    [Fact]
    public async Task Items_the_store_cannot_change_are_counted_as_failed_each_run_while_every_other_stale_session_is_expired()
    {
        var (admin, addStore) = await StoreAsync();
        var expiring = await CreateAsync(admin, 250, i => TimeSpan.FromSeconds(1 + (i % 50)));
        var template = SessionItem.ToItem(ServerSession.Start("bad", "bad", "bad", "s", TimeSpan.FromSeconds(5), Time.GetUtcNow()), TimeSpan.FromDays(1));
        var notHex = new Dictionary<string, AttributeValue>(template) { [SessionItem.Id] = SessionItem.S("NOT-A-SESSION-ID\u001b[31m") };
        var endsBeforeItStarts = new Dictionary<string, AttributeValue>(template)
        {
            [SessionItem.Id] = SessionItem.S(SessionId.New()),
            [SessionItem.ExpiresAt] = SessionItem.Time(Time.GetUtcNow() - TimeSpan.FromHours(1)),
        };
        foreach (var item in new[] { notHex, endsBeforeItStarts })
        {
            await server.Client.PutItemAsync(new PutItemRequest { TableName = _table, Item = item });
        }

        Time.Advance(TimeSpan.FromMinutes(1));
        await using var fleet = new SweeperFleet(Time, hosts: 1, addStore, options =>
        {
            Configure(options);
            options.MaxSessionsPerRun = 100;
        });
        await fleet.StartAsync();
        await fleet.RunUntilAsync(Time.GetUtcNow() + TimeSpan.FromMinutes(4));

        foreach (var id in expiring)
        {
            (await admin.GetAsync(id)).Status.Should().Be(SessionStatus.Expired);
        }

        var sweeps = fleet.Sweeps;
        sweeps.Should().OnlyContain(s => s.Outcome == "success", "items that cannot be changed fail no run");
        sweeps.Sum(s => s.Expired).Should().Be(250);
        sweeps.Sum(s => s.Examined).Should().Be(252 + (2 * (sweeps.Count - 3)), "each run goes on where the last stopped; only the two bad items stay Active and are read again");
        var failures = fleet.LogOf(fleet.Names[0]).Entries.Where(e => e.Id == 6).ToList();
        failures.Should().Contain(e => e.Message.Contains(@"NOT-A-SESSION-ID\e[31m", StringComparison.Ordinal)).And.OnlyContain(e => !e.Message.Contains('\u001b'));
        failures.Should().Contain(e => e.Message.Contains((string)endsBeforeItStarts[SessionItem.Id].S, StringComparison.Ordinal));
    }

    protected override async Task<(ISessionStore Admin, Action<IServiceCollection> AddStore)> StoreAsync()
    {
        var table = _table = await server.CreateTableAsync();
        var admin = TestStores.DynamoDb(server.Client, table, Time);

        // The server's clock is the test's clock too: the sweepers read it off the answers and would stand down otherwise.
        var client = server.CreateClient(new ServerClockHandler(Time));
        return (admin, services =>
        {
            services.AddSingleton(client);
            services.AddSessionStore(options => options.TableName = table);
        });
    }
}

public sealed class DynamoDbExpirySweeperFleetTestsOnDynalite(DynaliteFixture server) : DynamoDbExpirySweeperFleetTests(server), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbExpirySweeperFleetTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : DynamoDbExpirySweeperFleetTests(server), IClassFixture<DynamoDbLocalFixture>;
