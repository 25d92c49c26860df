using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sessions.Hosting;

namespace Sessions.Tests.Hosting;

/// <summary>
/// Hosts whose clocks are wrong, by a day either way, sharing one table whose server keeps the test's (fake, true)
/// time: no host expires a session before its time, none blocks the fleet's sweeper for longer than one lease period,
/// and a host whose clock is off says so in its log and its health check.
/// </summary>
public abstract class ExpirySweeperClockSkewTests(DynamoDbServerFixture server)
{
    private static readonly DateTimeOffset Start = new(2036, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private readonly FakeTimeProvider _time = new(Start);
    private string _table = null!;

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public async Task A_host_a_day_off_never_sweeps_and_says_so_while_the_fleet_sweeps_on_time(int days)
    {
        var (admin, addStore) = await StoreAsync();
        var sessions = await CreateAsync(admin, 5, TimeSpan.FromMinutes(5));

        // The host that is off starts first, so it would reach for the lease first.
        await using var fleet = new SweeperFleet(_time, hosts: 2, addStore, Configure, [Day * days, TimeSpan.Zero]);
        await fleet.StartAsync();
        await fleet.RunUntilAsync(Start + TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));

        foreach (var id in sessions)
        {
            (await admin.GetAsync(id)).Status.Should().Be(SessionStatus.Active, "no session expires before its time");
        }

        await fleet.RunUntilAsync(Start + TimeSpan.FromMinutes(8));

        var (off, right) = (fleet.Names[0], fleet.Names[1]);
        foreach (var id in sessions)
        {
            var expired = await admin.GetAsync(id);
            expired.Status.Should().Be(SessionStatus.Expired, "the host with the right clock swept on time");
            expired.UpdatedAt.Should().BeOnOrAfter(expired.ExpiresAt).And.BeOnOrBefore(_time.GetUtcNow(), "stamped by a right clock");
        }

        fleet.Sweeps.Should().NotBeEmpty().And.OnlyContain(s => s.Instance == right);
        fleet.LogOf(off).Entries.Should().ContainSingle(e => e.Id == 11).Which.Message.Should().Contain("1.00:00:00");
        var health = await fleet.ServicesOf(off).GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var entry = health.Entries["sessions"];
        entry.Status.Should().Be(HealthStatus.Degraded);
        entry.Data["sweeper.lease_holder"].Should().Be(right);
        ((double)entry.Data["sweeper.clock_offset_seconds"]).Should().BeApproximately(-days * Day.TotalSeconds, 2);
        (await fleet.ServicesOf(right).GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["sessions"].Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task A_holder_whose_clock_jumps_a_day_ahead_releases_the_lease_and_another_takes_over_at_its_next_run()
    {
        var (admin, addStore) = await StoreAsync();
        await using var fleet = new SweeperFleet(_time, hosts: 2, addStore, Configure);
        await fleet.StartAsync();
        await fleet.RunUntilAsync(Start + TimeSpan.FromSeconds(90));
        var holder = fleet.Sweeps[^1].Instance;
        var other = fleet.Names.Single(n => n != holder);

        fleet.ClockOf(holder).Offset = Day;
        var jumped = _time.GetUtcNow();
        var sessions = await CreateAsync(admin, 3, TimeSpan.FromSeconds(30));
        await fleet.RunUntilAsync(jumped + (3 * Interval));

        fleet.LogOf(holder).Entries.Select(e => e.Id).Should().Contain([11, 7], "it says why, and gives the lease up");
        var takeover = fleet.Sweeps.First(s => s.Instance == other);
        takeover.StartedAt.Should().BeOnOrBefore(jumped + Interval + Interval, "the released lease is taken at the other's next run");
        fleet.Sweeps.Where(s => s.StartedAt > jumped).Should().OnlyContain(s => s.Instance == other);
        foreach (var id in sessions)
        {
            (await admin.GetAsync(id)).Status.Should().Be(SessionStatus.Expired);
        }
    }

    [Fact]
    public async Task A_holder_hours_ahead_but_within_the_bound_expires_nothing_early_and_when_it_dies_is_replaced_within_one_lease_period_and_one_interval()
    {
        var (admin, addStore) = await StoreAsync();
        var sessions = await CreateAsync(admin, 4, TimeSpan.FromMinutes(10));

        await using var fleet = new SweeperFleet(_time, hosts: 2, addStore, options =>
        {
            Configure(options);
            options.MaxClockSkew = Day;
        }, [TimeSpan.FromHours(20), TimeSpan.Zero]);
        await fleet.StartAsync();
        await fleet.RunUntilAsync(Start + TimeSpan.FromMinutes(3));
        var ahead = fleet.Names[0];
        fleet.Sweeps.Should().OnlyContain(s => s.Instance == ahead, "the host 20 hours ahead holds the lease");
        foreach (var id in sessions)
        {
            (await admin.GetAsync(id)).Status.Should().Be(SessionStatus.Active, "it judges expiry by the server's clock, which is earlier than its own");
        }

        fleet.Kill(ahead);
        var diedAt = _time.GetUtcNow();
        await fleet.RunUntilAsync(Start + TimeSpan.FromMinutes(12));

        var takeover = fleet.Sweeps.First(s => s.Instance != ahead);
        takeover.StartedAt.Should().BeOnOrBefore(diedAt + LeaseDuration + Interval, "its record stood still and was taken over; its clock played no part");
        foreach (var id in sessions)
        {
            (await admin.GetAsync(id)).Status.Should().Be(SessionStatus.Expired);
        }
    }

    [Fact]
    public async Task A_host_seconds_ahead_within_the_bound_judges_expiry_by_the_server_clock()
    {
        var (admin, addStore) = await StoreAsync();
        var sessions = await CreateAsync(admin, 2, TimeSpan.FromSeconds(90));

        await using var fleet = new SweeperFleet(_time, hosts: 1, addStore, Configure, [TimeSpan.FromSeconds(20)]);
        await fleet.StartAsync();
        await fleet.RunUntilAsync(Start + TimeSpan.FromSeconds(89));

        fleet.Sweeps.Should().NotBeEmpty();
        foreach (var id in sessions)
        {
            (await admin.GetAsync(id)).Status.Should().Be(SessionStatus.Active, "by its own clock they expired 20 s ago, by the server's they did not");
        }

        await fleet.RunUntilAsync(Start + TimeSpan.FromMinutes(3));
        foreach (var id in sessions)
        {
            (await admin.GetAsync(id)).Status.Should().Be(SessionStatus.Expired);
        }
    }

    private static void Configure(SessionExpirySweeperOptions options)
    {
        options.Interval = Interval;
        options.LeaseDuration = LeaseDuration;
        options.MaxStartDelay = TimeSpan.Zero;
    }

    private async Task<(ISessionStore Admin, Action<IServiceCollection> AddStore)> StoreAsync()
    {
        var table = _table = await server.CreateTableAsync();
        var admin = TestStores.DynamoDb(server.Client, table, _time);

        // The server keeps the test's clock, the true one; the hosts' clocks are set off it.
        var client = server.CreateClient(new ServerClockHandler(_time));
        return (admin, services =>
        {
            services.AddLogging();
            services.AddSingleton(client);
            services.AddSessionStore(options => options.TableName = _table);
            services.AddHealthChecks().AddSessionStore(configure: options => options.CacheDuration = TimeSpan.Zero);
        });
    }

    private async Task<List<string>> CreateAsync(ISessionStore store, int count, TimeSpan duration)
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add((await store.CreateAsync(ServerSession.Start("skew", "skew", "skew-" + i, "s", duration, _time.GetUtcNow()))).Id);
        }

        return ids;
    }
}

public sealed class ExpirySweeperClockSkewTestsOnDynalite(DynaliteFixture server) : ExpirySweeperClockSkewTests(server), IClassFixture<DynaliteFixture>;

public sealed class ExpirySweeperClockSkewTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : ExpirySweeperClockSkewTests(server), IClassFixture<DynamoDbLocalFixture>;
