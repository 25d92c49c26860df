using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sessions.Hosting;
using Sessions.Hosting.Leases;

namespace Sessions.Tests.Hosting;

/// <summary>
/// Every fault class the SDK raises, on each call the sweeper makes, in a real host with .NET's default
/// <c>BackgroundServiceExceptionBehavior.StopHost</c>: the host keeps running, the failed run is logged with its cause,
/// the sweeper backs off and tries again, and it expires the stale sessions once the fault clears.
/// </summary>
public abstract class ExpirySweeperFaultTests(DynamoDbServerFixture server) : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2036, 4, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<IDisposable> _disposables = [];
    private string _table = null!;
    private volatile Func<WireAttempt, WireFault> _script = _ => WireFault.None;

    /// <summary>The calls of a sweep, told apart on the wire.</summary>
    public enum SweepCall
    {
        ReadLease,
        WriteLease,
        QueryActive,
        ReadItems,
        ExpireSession,
    }

    public static TheoryData<WireFault, SweepCall> Faults()
    {
        var data = new TheoryData<WireFault, SweepCall>();
        WireFault[] faults =
        [
            WireFault.ConnectionRefused, WireFault.DnsFailure, WireFault.Hang, WireFault.Throttling, WireFault.ProvisionedThroughputExceeded,
            WireFault.InternalServerError, WireFault.ServiceUnavailable, WireFault.AccessDenied, WireFault.ConnectionReset,
        ];
        foreach (var fault in faults)
        {
            foreach (var call in Enum.GetValues<SweepCall>())
            {
                data.Add(fault, call);
            }
        }

        return data;
    }

    public async Task InitializeAsync() => _table = await server.CreateTableAsync();

    public Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        return Task.CompletedTask;
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_fault_neither_stops_the_host_nor_the_sweeper_which_sweeps_again_once_it_clears(WireFault fault, SweepCall call)
    {
        var stale = await CreateStaleSessionsAsync(3);
        _script = attempt => Is(call, attempt) ? fault : WireFault.None;
        var (host, clock, log) = await StartHostAsync();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        // Three runs meet the fault: each fails (or, for the writes, fails its sessions) and the next comes sooner.
        for (var i = 0; i < 3; i++)
        {
            await StepAsync(clock);
        }

        lifetime.ApplicationStopping.IsCancellationRequested.Should().BeFalse("no fault stops the host");
        var failures = log.Entries.Where(e => e.Id is 5 or 6).ToList();
        failures.Should().NotBeEmpty($"the runs that met {fault} on {call} are logged");
        failures.Should().OnlyContain(e => e.Level == LogLevel.Warning && !e.Message.Any(char.IsControl));
        if (call != SweepCall.ExpireSession)
        {
            log.Entries.Where(e => e.Id == 5).Should().HaveCountGreaterThanOrEqualTo(3, "each run failed");
        }

        foreach (var id in stale)
        {
            (await Admin().GetAsync(id)).Status.Should().Be(SessionStatus.Active, "nothing got through the fault");
        }

        _script = _ => WireFault.None;
        for (var i = 0; i < 3 && !await AllExpiredAsync(stale); i++)
        {
            await StepAsync(clock);
        }

        (await AllExpiredAsync(stale)).Should().BeTrue("the sweeper sweeps again once the fault cleared");
        lifetime.ApplicationStopping.IsCancellationRequested.Should().BeFalse();
        await host.StopAsync();
    }

    [Fact]
    public async Task A_replicated_write_conflict_on_the_lease_is_sent_again_within_its_bound_then_backed_off_from_like_any_fault()
    {
        var stale = await CreateStaleSessionsAsync(2);
        _script = attempt => Is(SweepCall.WriteLease, attempt) ? WireFault.ReplicatedWriteConflict : WireFault.None;
        var (host, clock, log) = await StartHostAsync();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        // The lease write's own resends wait on the host's clock too: step until two runs have failed.
        for (var i = 0; i < 20 && log.Entries.Count(e => e.Id == 5) < 2; i++)
        {
            await StepAsync(clock);
        }

        lifetime.ApplicationStopping.IsCancellationRequested.Should().BeFalse("no fault stops the host");
        log.Entries.Where(e => e.Id == 5).Should().HaveCount(2).And.OnlyContain(e => e.Level == LogLevel.Warning
            && e.Message.Contains("refused each of the 3 times", StringComparison.Ordinal) && e.Message.Contains("ReplicatedWriteConflictException", StringComparison.Ordinal));
        foreach (var id in stale)
        {
            (await Admin().GetAsync(id)).Status.Should().Be(SessionStatus.Active, "no run held the lease");
        }

        _script = _ => WireFault.None;
        for (var i = 0; i < 3 && !await AllExpiredAsync(stale); i++)
        {
            await StepAsync(clock);
        }

        (await AllExpiredAsync(stale)).Should().BeTrue("the sweeper takes the lease and sweeps once the conflicts stop");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_hand_edited_lease_item_is_reported_and_taken_over_once_it_stood_still_for_a_lease_duration()
    {
        var stale = await CreateStaleSessionsAsync(2);
        await server.Client.PutItemAsync(new PutItemRequest
        {
            TableName = _table,
            Item = new()
            {
                ["id"] = new() { S = DynamoDbSweepLease.Key },
                ["lease_owner"] = new() { S = "gone\u001b[31m" },
                ["lease_fence"] = new() { S = "41" },
            },
        });
        var (host, clock, log) = await StartHostAsync();

        var waited = TimeSpan.Zero;
        while (!await AllExpiredAsync(stale))
        {
            waited += await StepAsync(clock);
            waited.Should().BeLessThanOrEqualTo(TimeSpan.FromMinutes(2) + Interval, "the item is taken over within a lease duration after it was first seen");
        }

        log.Entries.Should().ContainSingle(e => e.Id == 10).Which.Message.Should().Contain("lease_fence").And.NotContain("\u001b");
        log.Entries.Should().Contain(e => e.Id == 9 && e.Message.Contains(@"gone\e[31m", StringComparison.Ordinal) && e.Message.Contains("fence 42", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_server_that_refuses_every_connection_neither_stops_the_host_nor_lets_a_run_block_it()
    {
        // A real refused connection: a port nothing listens on.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new AmazonDynamoDBClient(new Amazon.Runtime.BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig
        {
            ServiceURL = $"http://127.0.0.1:{port}",
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 1,
        });
        var clock = new HostClock(_time);
        var log = new ListLogger<SessionExpirySweeper>();
        using var host = BuildHost(client, clock, log);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        await host.StartAsync();
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            waits.Add(await StepAsync(clock));
        }

        lifetime.ApplicationStopping.IsCancellationRequested.Should().BeFalse();
        log.Entries.Where(e => e.Id == 5).Should().HaveCountGreaterThanOrEqualTo(8).And.OnlyContain(e => e.Message.Contains("Connection refused", StringComparison.OrdinalIgnoreCase));
        waits.Should().OnlyContain(w => w > TimeSpan.Zero && w <= Interval, "the backoff is capped at the interval");
        waits[^1].Should().BeGreaterThan(waits[0], "the backoff grows while the fault lasts");
        await host.StopAsync();
    }

    private static bool Is(SweepCall call, WireAttempt attempt)
    {
        var lease = attempt.Body.Contains(DynamoDbSweepLease.Key, StringComparison.Ordinal);
        return call switch
        {
            SweepCall.ReadLease => attempt.Operation == "GetItem" && lease,
            SweepCall.WriteLease => attempt.Operation == "UpdateItem" && lease,
            SweepCall.QueryActive => attempt.Operation == "Query",
            SweepCall.ReadItems => attempt.Operation == "BatchGetItem",
            _ => attempt.Operation == "UpdateItem" && !lease,
        };
    }

    /// <summary>Moves the clock to the host's next wake-up and waits until it waits again; returns how long it waited.</summary>
    private async Task<TimeSpan> StepAsync(HostClock clock)
    {
        var due = await clock.NextWaitAsync();
        var wait = due - _time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            _time.Advance(wait);
        }

        return wait;
    }

    private async Task<(IHost Host, HostClock Clock, ListLogger<SessionExpirySweeper> Log)> StartHostAsync()
    {
        var faults = new ScriptedFaultHandler(attempt => _script(attempt));
        var client = RetryingClient.Create(server, RetryingClient.Chain(new ServerClockHandler(_time), faults), maxErrorRetry: 1, timeout: TimeSpan.FromMilliseconds(200));
        _disposables.Add(client);
        var clock = new HostClock(_time);
        var log = new ListLogger<SessionExpirySweeper>();
        var host = BuildHost(client, clock, log);
        _disposables.Add(host);
        await host.StartAsync();
        return (host, clock, log);
    }

    private IHost BuildHost(IAmazonDynamoDB client, HostClock clock, ListLogger<SessionExpirySweeper> log)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton<ILogger<SessionExpirySweeper>>(log);
        builder.Services.AddSessionStore(options => options.TableName = _table);
        builder.Services.AddSessionExpirySweeper(options =>
        {
            options.Interval = Interval;
            options.LeaseDuration = TimeSpan.FromMinutes(2);
            options.MaxStartDelay = TimeSpan.Zero;
            options.InstanceName = "faulty";
        });
        return builder.Build();
    }

    private DynamoDbSessionStore Admin() => TestStores.DynamoDb(server.Client, _table, _time);

    private async Task<List<string>> CreateStaleSessionsAsync(int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await Admin().CreateAsync(ServerSession.Start("stale", "p", "i-" + i, "s", TimeSpan.FromSeconds(30), _time.GetUtcNow()))).Id);
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        return ids;
    }

    private async Task<bool> AllExpiredAsync(List<string> ids)
    {
        foreach (var id in ids)
        {
            if ((await Admin().GetAsync(id)).Status != SessionStatus.Expired)
            {
                return false;
            }
        }

        return true;
    }
}

public sealed class ExpirySweeperFaultTestsOnDynalite(DynaliteFixture server) : ExpirySweeperFaultTests(server), IClassFixture<DynaliteFixture>;

public sealed class ExpirySweeperFaultTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : ExpirySweeperFaultTests(server), IClassFixture<DynamoDbLocalFixture>;
