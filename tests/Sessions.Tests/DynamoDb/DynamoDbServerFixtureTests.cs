using System.Net;

namespace Sessions.Tests.DynamoDb;

public abstract class DynamoDbServerFixtureTests(DynamoDbServerFixture server)
{
    [Fact]
    public async Task CreateTableAsync_returns_a_fresh_table_name_each_time()
    {
        var first = await server.CreateTableAsync();
        var second = await server.CreateTableAsync();

        first.Should().MatchRegex("^sessions-test-[0-9a-f]{12}$").And.NotBe(second);
        var tables = await server.Client.ListTablesAsync(new ListTablesRequest());
        tables.TableNames.Should().Contain([first, second]);
    }

    [Fact]
    public async Task CountingHandler_counts_one_DescribeTable_for_one_DescribeTableAsync()
    {
        var name = await server.CreateTableAsync();
        var counter = new CountingHandler();
        var client = server.CreateClient(counter);

        await client.DescribeTableAsync(new DescribeTableRequest { TableName = name });

        counter.Snapshot().Should().Equal(new Dictionary<string, int> { ["DescribeTable"] = 1 });
        counter.Total.Should().Be(1);
    }

    [Fact]
    public async Task CountingHandler_counts_every_attempt_of_a_retried_call()
    {
        var name = await server.CreateTableAsync();
        var failures = 0;
        var counter = new CountingHandler(new FaultInjectingHandler(_ => Interlocked.Increment(ref failures) <= 2
            ? FaultInjectingHandler.Error(HttpStatusCode.InternalServerError, "InternalServerError")
            : null));
        var client = server.CreateClient(counter);

        var response = await client.DescribeTableAsync(new DescribeTableRequest { TableName = name });

        response.Table.TableName.Should().Be(name);
        counter["DescribeTable"].Should().Be(3);
    }

    [Fact]
    public async Task CountingHandler_Reset_forgets_earlier_requests()
    {
        var counter = new CountingHandler();
        var client = server.CreateClient(counter);
        await client.ListTablesAsync(new ListTablesRequest { Limit = 1 });

        counter.Reset();
        await client.ListTablesAsync(new ListTablesRequest { Limit = 1 });
        await client.ListTablesAsync(new ListTablesRequest { Limit = 1 });

        counter["ListTables"].Should().Be(2);
        counter.Total.Should().Be(2);
    }

    [Fact]
    public async Task Capabilities_are_what_each_server_is_known_to_do()
    {
        var capabilities = await server.CapabilitiesAsync();

        if (Environment.GetEnvironmentVariable(DynamoDbServerFixture.EndpointVariable) is { Length: > 0 })
        {
            // An external endpoint: whatever it is, DynamoDB itself does both.
            return;
        }

        // DynamoDB Local behaves as DynamoDB does; dynalite ignores ALL_OLD on a failed condition and reports table capacity only.
        capabilities.ReturnsOldItemOnConditionFailure.Should().Be(server.Kind == LocalServerKind.DynamoDbLocal);
        capabilities.ReportsIndexCapacity.Should().Be(server.Kind == LocalServerKind.DynamoDbLocal);
    }

    [Theory]
    [InlineData("openjdk version \"17.0.15\" 2025-04-15", 17)]
    [InlineData("openjdk version \"21\" 2023-09-19", 21)]
    [InlineData("java version \"1.8.0_392\"", 8)]
    [InlineData("no java here", null)]
    public void JavaMajorVersion_reads_the_banner_of_java_version(string banner, int? expected) =>
        LocalServerProcess.JavaMajorVersion(banner).Should().Be(expected);

    [Fact]
    public void OperationOf_reads_the_operation_from_X_Amz_Target()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/");
        request.Headers.Add("X-Amz-Target", "DynamoDB_20120810.UpdateItem");

        CountingHandler.OperationOf(request).Should().Be("UpdateItem");
    }
}

public sealed class DynamoDbServerFixtureTestsOnDynalite(DynaliteFixture server) : DynamoDbServerFixtureTests(server), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbServerFixtureTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : DynamoDbServerFixtureTests(server), IClassFixture<DynamoDbLocalFixture>;
