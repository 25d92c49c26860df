using System.Net;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sessions.Hosting;

namespace Sessions.Tests.Hosting;

/// <summary>
/// The health check against a DynamoDB-compatible server: Healthy with the table and its indexes, Degraded when
/// throttled, the failure status naming the table when it is missing, lacks an index, is unreachable or too slow.
/// </summary>
public abstract class SessionStoreHealthCheckTests(DynamoDbServerFixture server)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2035, 6, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Healthy_when_the_table_answers_with_its_indexes()
    {
        var table = await server.SharedTableAsync();

        var result = await CheckAsync(server.Client, table);

        result.Status.Should().Be(HealthStatus.Healthy);
        result.Description.Should().Contain(table);
    }

    [Fact]
    public async Task Unhealthy_naming_the_table_when_it_is_missing()
    {
        var table = server.NewTableName();

        var result = await CheckAsync(server.Client, table);

        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().Be($"Session table '{table}' does not exist.");
    }

    [Fact]
    public async Task The_registration_failure_status_is_used_for_a_missing_table()
    {
        var result = await CheckAsync(server.Client, server.NewTableName(), failureStatus: HealthStatus.Degraded);

        result.Status.Should().Be(HealthStatus.Degraded);
    }

    [Fact]
    public async Task Unhealthy_naming_the_index_when_one_is_missing()
    {
        var table = server.NewTableName();
        var request = SessionTable.CreateTableRequest(table);
        request.GlobalSecondaryIndexes.RemoveAll(index => index.IndexName == SessionTable.ProfileIndex);
        request.AttributeDefinitions.RemoveAll(attribute => attribute.AttributeName == "profile");
        await server.Client.CreateTableAsync(request);

        var result = await CheckAsync(server.Client, table);

        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().Contain(table).And.Contain(SessionTable.ProfileIndex);
    }

    [Fact]
    public async Task Degraded_when_DynamoDB_throttles_the_check()
    {
        var table = await server.SharedTableAsync();
        var client = server.CreateClient(new FaultInjectingHandler(request => CountingHandler.OperationOf(request) == "DescribeTable"
            ? FaultInjectingHandler.Error(HttpStatusCode.BadRequest, "ThrottlingException", "Rate exceeded")
            : null));

        var result = await CheckAsync(client, table);

        result.Status.Should().Be(HealthStatus.Degraded);
        result.Description.Should().Contain(table).And.Contain("throttled");
    }

    [Fact]
    public async Task Unhealthy_naming_the_table_when_the_server_is_unreachable()
    {
        using var client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("test", "test"),
            new AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:9", AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

        var result = await CheckAsync(client, "sessions-unreachable");

        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().StartWith("Session table 'sessions-unreachable' is unreachable");
    }

    [Fact]
    public async Task Unhealthy_naming_the_table_when_it_does_not_answer_within_the_timeout()
    {
        var table = await server.SharedTableAsync();
        var stall = new StallingHandler();
        var client = server.CreateClient(stall);

        var check = CheckAsync(client, table, timeout: TimeSpan.FromSeconds(3));
        await stall.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        check.IsCompleted.Should().BeFalse();
        _time.Advance(TimeSpan.FromSeconds(3));
        var result = await check.WaitAsync(TimeSpan.FromSeconds(30));

        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().Be($"Session table '{table}' did not answer within 3 s.");
    }

    [Fact]
    public async Task A_single_Region_table_says_so_in_the_data()
    {
        var result = await CheckAsync(server.Client, await server.SharedTableAsync());

        result.Status.Should().Be(HealthStatus.Healthy);
        result.Data.Should().Equal(new Dictionary<string, object> { ["table.regions"] = "single Region" });
    }

    [Fact]
    public async Task A_global_table_whose_Regions_are_all_ACTIVE_is_healthy_and_lists_them_in_the_data()
    {
        var client = server.CreateClient(new GlobalTableDescriptionHandler(
            [("eu-west-1", "ACTIVE"), ("us-east-1", "ACTIVE")], "STRONG", witnesses: [("us-west-2", "ACTIVE")]));

        var result = await CheckAsync(client, await server.SharedTableAsync());

        result.Status.Should().Be(HealthStatus.Healthy);
        result.Description.Should().EndWith("and every Region.");
        result.Data["table.regions"].Should().Be("global table");
        result.Data["table.replicas"].Should().BeEquivalentTo(new[] { "eu-west-1 ACTIVE", "us-east-1 ACTIVE" }, o => o.WithStrictOrdering());
        result.Data["table.witnesses"].Should().BeEquivalentTo(new[] { "us-west-2 ACTIVE" });
        result.Data["table.multi_region_consistency"].Should().Be("STRONG");
    }

    [Theory]
    [InlineData("CREATING")]
    [InlineData("REGION_DISABLED")]
    [InlineData("INACCESSIBLE_ENCRYPTION_CREDENTIALS")]
    public async Task A_replica_that_is_not_ACTIVE_makes_the_check_degraded_naming_the_Region_and_its_status(string status)
    {
        var client = server.CreateClient(new GlobalTableDescriptionHandler([("eu-west-1", "ACTIVE"), ("ap-south-1", status)], consistency: null));
        var table = await server.SharedTableAsync();

        var result = await CheckAsync(client, table);

        result.Status.Should().Be(HealthStatus.Degraded);
        result.Description.Should().Be($"Session table '{table}' is ACTIVE, but not every Region of the global table is: replica ap-south-1 is {status}.");
        result.Data["table.replicas"].Should().BeEquivalentTo(new[] { "eu-west-1 ACTIVE", $"ap-south-1 {status}" }, o => o.WithStrictOrdering());
        result.Data.Should().NotContainKey("table.multi_region_consistency", "DescribeTable reported no mode");
    }

    [Fact]
    public async Task A_witness_that_is_not_ACTIVE_makes_the_check_degraded_naming_it()
    {
        var client = server.CreateClient(new GlobalTableDescriptionHandler([("eu-west-1", "ACTIVE")], "STRONG", witnesses: [("eu-west-3", "CREATING")]));
        var table = await server.SharedTableAsync();

        var result = await CheckAsync(client, table);

        result.Status.Should().Be(HealthStatus.Degraded);
        result.Description.Should().Contain("witness eu-west-3 is CREATING");
    }

    [Fact]
    public async Task A_Region_name_with_control_characters_is_escaped_in_the_description_and_the_data()
    {
        var client = server.CreateClient(new GlobalTableDescriptionHandler([("eu-west-1\u001b[31m\nfake", "UPDATING")], "EVENTUAL"));

        var result = await CheckAsync(client, await server.SharedTableAsync());

        result.Status.Should().Be(HealthStatus.Degraded);
        result.Description.Should().Contain(@"replica eu-west-1\e[31m\nfake is UPDATING").And.NotContain("\u001b");
        ((string[])result.Data["table.replicas"]).Should().ContainSingle().Which.Should().Be(@"eu-west-1\e[31m\nfake UPDATING");
    }

    [Fact]
    public async Task The_check_registered_on_the_builder_runs_in_the_health_check_service()
    {
        var table = await server.SharedTableAsync();
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton(server.Client);
        services.AddSessionStore(options => options.TableName = table);
        services.AddHealthChecks().AddSessionStore(tags: ["ready"]);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        report.Status.Should().Be(HealthStatus.Healthy);
        report.Entries.Should().ContainKey("sessions").WhoseValue.Tags.Should().Equal("ready");
    }

    [Fact]
    public async Task A_flood_of_checks_costs_one_DescribeTable_per_cache_period_and_checks_that_arrive_together_share_it()
    {
        var table = await server.SharedTableAsync();
        var counter = new CountingHandler();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(server.CreateClient(counter));
        services.AddSessionStore(options => options.TableName = table);
        services.AddHealthChecks().AddSessionStore(configure: options => options.CacheDuration = TimeSpan.FromSeconds(5));
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();

        var first = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => health.CheckHealthAsync()));
        _time.Advance(TimeSpan.FromSeconds(4));
        var cached = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => health.CheckHealthAsync()));
        counter["DescribeTable"].Should().Be(1, "100 checks within the cache period");
        _time.Advance(TimeSpan.FromSeconds(1));
        await health.CheckHealthAsync();

        counter["DescribeTable"].Should().Be(2, "the cached result is replaced once it is 5 s old");
        first.Concat(cached).Should().OnlyContain(r => r.Status == HealthStatus.Healthy);
    }

    private async Task<HealthCheckResult> CheckAsync(IAmazonDynamoDB client, string table, HealthStatus failureStatus = HealthStatus.Unhealthy, TimeSpan? timeout = null)
    {
        var store = TestStores.DynamoDb(client, table, _time);
        var check = new SessionStoreHealthCheck(store, new SessionStoreHealthCheckOptions { Timeout = timeout ?? TimeSpan.FromSeconds(5) }, _time);
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration("sessions", check, failureStatus, tags: null) };
        return await check.CheckHealthAsync(context);
    }

    /// <summary>Holds every request until it is cancelled, and says when the first one arrived.</summary>
    private sealed class StallingHandler : DelegatingHandler
    {
        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("Unreachable.");
        }
    }
}

public sealed class SessionStoreHealthCheckTestsOnDynalite(DynaliteFixture server) : SessionStoreHealthCheckTests(server), IClassFixture<DynaliteFixture>;

public sealed class SessionStoreHealthCheckTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : SessionStoreHealthCheckTests(server), IClassFixture<DynamoDbLocalFixture>;

public sealed class InMemorySessionStoreHealthCheckTests
{
    [Fact]
    public async Task The_in_memory_store_is_healthy()
    {
        var check = new SessionStoreHealthCheck(new InMemorySessionStore(), new SessionStoreHealthCheckOptions());

        var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("sessions", check, null, null) });

        result.Status.Should().Be(HealthStatus.Healthy);
    }
}
