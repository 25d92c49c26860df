using System.Net;
using System.Text.Json;

namespace Sessions.Tests.DynamoDb;

public abstract class SessionTableTests(DynamoDbServerFixture server)
{
    private static readonly string[] s_indexes = [SessionTable.UserIndex, SessionTable.StatusIndex, SessionTable.ProfileIndex, SessionTable.ServerInstanceIndex];

    [Fact]
    public async Task EnsureCreatedAsync_creates_an_active_on_demand_table_keyed_on_id()
    {
        var name = await server.CreateTableAsync();

        var table = await DescribeAsync(name);

        table.TableStatus.Should().Be(TableStatus.ACTIVE);
        table.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value)).Should().Equal(("id", "HASH"));
        table.BillingModeSummary.BillingMode.Should().Be(BillingMode.PAY_PER_REQUEST);
    }

    [Fact]
    public async Task EnsureCreatedAsync_creates_the_four_indexes_with_KEYS_ONLY_projection()
    {
        var name = await server.CreateTableAsync();

        var indexes = (await DescribeAsync(name)).GlobalSecondaryIndexes.ToDictionary(i => i.IndexName);

        indexes.Keys.Should().BeEquivalentTo(s_indexes);
        Keys(indexes[SessionTable.UserIndex]).Should().Equal(("user", "HASH"), ("created_at", "RANGE"));
        Keys(indexes[SessionTable.StatusIndex]).Should().Equal(("status", "HASH"), ("created_at", "RANGE"));
        Keys(indexes[SessionTable.ProfileIndex]).Should().Equal(("profile", "HASH"), ("created_at", "RANGE"));
        Keys(indexes[SessionTable.ServerInstanceIndex]).Should().Equal(("server_instance_id", "HASH"), ("status", "RANGE"));
        indexes.Values.Should().OnlyContain(i => i.Projection.ProjectionType == ProjectionType.KEYS_ONLY && i.IndexStatus == IndexStatus.ACTIVE);
    }

    [Fact]
    public async Task EnsureCreatedAsync_enables_TTL_on_the_ttl_attribute()
    {
        // The request is checked on the wire and answered here as DynamoDB answers it: dynalite has no UpdateTimeToLive.
        string? body = null;
        var client = server.CreateClient(new FaultInjectingHandler(request =>
        {
            if (CountingHandler.OperationOf(request) != "UpdateTimeToLive")
            {
                return null;
            }

            body = ReadBody(request);
            return FaultInjectingHandler.Json(HttpStatusCode.OK, """{"TimeToLiveSpecification":{"AttributeName":"ttl","Enabled":true}}""");
        }));
        var name = server.NewTableName();

        await SessionTable.EnsureCreatedAsync(client, name);

        body.Should().NotBeNull();
        using var json = JsonDocument.Parse(body!);
        json.RootElement.GetProperty("TableName").GetString().Should().Be(name);
        var specification = json.RootElement.GetProperty("TimeToLiveSpecification");
        specification.GetProperty("AttributeName").GetString().Should().Be("ttl");
        specification.GetProperty("Enabled").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task EnsureCreatedAsync_leaves_TTL_alone_when_it_is_already_enabled()
    {
        var counter = new CountingHandler(new FaultInjectingHandler(request => CountingHandler.OperationOf(request) == "DescribeTimeToLive"
            ? FaultInjectingHandler.Json(HttpStatusCode.OK, """{"TimeToLiveDescription":{"AttributeName":"ttl","TimeToLiveStatus":"ENABLED"}}""")
            : null));
        var client = server.CreateClient(counter);

        await SessionTable.EnsureCreatedAsync(client, server.NewTableName());

        counter["DescribeTimeToLive"].Should().Be(1);
        counter["UpdateTimeToLive"].Should().Be(0);
    }

    [Fact]
    public async Task EnsureCreatedAsync_succeeds_on_a_server_without_TTL()
    {
        // dynalite answers UpdateTimeToLive like this; injected, the test means the same on every server.
        var client = server.CreateClient(new FaultInjectingHandler(request => CountingHandler.OperationOf(request) == "UpdateTimeToLive"
            ? FaultInjectingHandler.Error(HttpStatusCode.BadRequest, "UnknownOperationException", string.Empty)
            : null));
        var name = server.NewTableName();

        await SessionTable.EnsureCreatedAsync(client, name);

        (await DescribeAsync(name)).TableStatus.Should().Be(TableStatus.ACTIVE);
    }

    [Fact]
    public async Task EnsureCreatedAsync_reports_a_refused_TTL_update_as_SessionStoreException()
    {
        var client = server.CreateClient(new FaultInjectingHandler(request => CountingHandler.OperationOf(request) == "UpdateTimeToLive"
            ? FaultInjectingHandler.Error(HttpStatusCode.BadRequest, "AccessDeniedException", "not authorized to perform dynamodb:UpdateTimeToLive")
            : null));
        var name = server.NewTableName();

        var act = () => SessionTable.EnsureCreatedAsync(client, name);

        var thrown = await act.Should().ThrowAsync<SessionStoreException>().WithMessage($"*'{name}'*");
        thrown.Which.TableName.Should().Be(name);
        thrown.Which.InnerException.Should().BeAssignableTo<AmazonDynamoDBException>().Which.ErrorCode.Should().Be("AccessDeniedException");
    }

    [Fact]
    public async Task EnsureCreatedAsync_twice_keeps_the_table()
    {
        var name = await server.CreateTableAsync();

        await SessionTable.EnsureCreatedAsync(server.Client, name);

        var table = await DescribeAsync(name);
        table.TableStatus.Should().Be(TableStatus.ACTIVE);
        table.GlobalSecondaryIndexes.Select(i => i.IndexName).Should().BeEquivalentTo(s_indexes);
    }

    [Fact]
    public async Task EnsureCreatedAsync_from_two_callers_at_once_creates_the_table_once()
    {
        // The server says there is no table until both callers have sent CreateTable: each one's first look finds
        // none, so both create, and one of them loses the race.
        var creates = 0;
        var counter = new CountingHandler(new FaultInjectingHandler(request =>
        {
            switch (CountingHandler.OperationOf(request))
            {
                case "CreateTable":
                    Interlocked.Increment(ref creates);
                    return null;
                case "DescribeTable" when Volatile.Read(ref creates) < 2:
                    return FaultInjectingHandler.Error(HttpStatusCode.BadRequest, "ResourceNotFoundException", "Requested resource not found");
                default:
                    return null;
            }
        }));
        var client = server.CreateClient(counter);
        var name = server.NewTableName();

        await Task.WhenAll(
            Task.Run(() => SessionTable.EnsureCreatedAsync(client, name)),
            Task.Run(() => SessionTable.EnsureCreatedAsync(client, name)));

        counter["CreateTable"].Should().Be(2);
        var table = await DescribeAsync(name);
        table.TableStatus.Should().Be(TableStatus.ACTIVE);
        table.GlobalSecondaryIndexes.Should().HaveCount(4);
    }

    [Fact]
    public async Task EnsureCreatedAsync_accepts_an_existing_table_whose_indexes_project_ALL()
    {
        var request = SessionTable.CreateTableRequest(server.NewTableName());
        request.GlobalSecondaryIndexes.ForEach(index => index.Projection = new Projection { ProjectionType = ProjectionType.ALL });
        await server.Client.CreateTableAsync(request);

        await SessionTable.EnsureCreatedAsync(server.Client, request.TableName);

        var table = await DescribeAsync(request.TableName);
        table.TableStatus.Should().Be(TableStatus.ACTIVE);
        table.GlobalSecondaryIndexes.Should().HaveCount(4).And.OnlyContain(i => i.Projection.ProjectionType == ProjectionType.ALL);
    }

    [Fact]
    public async Task EnsureCreatedAsync_rejects_an_existing_table_with_another_key()
    {
        var name = server.NewTableName();
        await server.Client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
        });

        var act = () => SessionTable.EnsureCreatedAsync(server.Client, name);

        var thrown = await act.Should().ThrowAsync<SessionStoreException>().WithMessage($"Table '{name}'*partition key 'id'*index 'gsi-user' is missing*");
        thrown.Which.TableName.Should().Be(name);
        thrown.Which.Operation.Should().Be("EnsureCreated");
    }

    [Fact]
    public async Task EnsureCreatedAsync_rejects_an_existing_table_with_an_index_on_other_keys()
    {
        var request = SessionTable.CreateTableRequest(server.NewTableName());
        request.GlobalSecondaryIndexes[0].KeySchema = [new KeySchemaElement("user", KeyType.HASH)];
        await server.Client.CreateTableAsync(request);

        var act = () => SessionTable.EnsureCreatedAsync(server.Client, request.TableName);

        (await act.Should().ThrowAsync<SessionStoreException>().WithMessage($"Table '{request.TableName}'*index 'gsi-user' must be keyed on user, created_at*"))
            .Which.TableName.Should().Be(request.TableName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("has space")]
    [InlineData("sessions/prod")]
    [InlineData("sessions:prod")]
    public void CreateTableRequest_rejects_a_bad_table_name(string tableName)
    {
        var act = () => SessionTable.CreateTableRequest(tableName);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("tableName");
    }

    [Fact]
    public void CreateTableRequest_rejects_a_table_name_longer_than_255_characters()
    {
        var act = () => SessionTable.CreateTableRequest(new string('s', 256));

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("tableName");
    }

    [Fact]
    public async Task EnsureCreatedAsync_rejects_a_bad_table_name_before_any_request()
    {
        var counter = new CountingHandler();
        var client = server.CreateClient(counter);

        var act = () => SessionTable.EnsureCreatedAsync(client, "bad name");

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("tableName");
        counter.Total.Should().Be(0);
    }

    private async Task<TableDescription> DescribeAsync(string tableName) =>
        (await server.Client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName })).Table;

    private static IEnumerable<(string, string)> Keys(GlobalSecondaryIndexDescription index) =>
        index.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value));

    private static string ReadBody(HttpRequestMessage request)
    {
        using var reader = new StreamReader(request.Content!.ReadAsStream());
        return reader.ReadToEnd();
    }
}

public sealed class SessionTableTestsOnDynalite(DynaliteFixture server) : SessionTableTests(server), IClassFixture<DynaliteFixture>;

public sealed class SessionTableTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : SessionTableTests(server), IClassFixture<DynamoDbLocalFixture>;
