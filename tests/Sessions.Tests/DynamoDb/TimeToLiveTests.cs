using System.Diagnostics;

namespace Sessions.Tests.DynamoDb;

/// <summary>
/// TTL runs on the server's real clock, whatever clock the store is given. DynamoDB Local deletes an item whose
/// <c>ttl</c> has passed within seconds (DynamoDB within days; dynalite never), so a store on a fake clock in the past
/// writes items the server soon deletes: its Touch then answers "not found" and its lists miss sessions. That was
/// the cause of the spurious "not found" in a touch storm and of the sessions missing from time-range lists on
/// DynamoDB Local; the fixture's <see cref="ExpiredTtlGuard"/> now refuses such writes in every test.
/// </summary>
public abstract class TimeToLiveTests(DynamoDbServerFixture server)
{
    private static readonly TimeSpan DeletionWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_item_whose_ttl_has_passed_is_deleted_by_DynamoDB_Local_and_kept_by_dynalite()
    {
        var table = await server.CreateTableAsync();
        var client = server.CreateClient(allowPastTtl: true);
        // A session item as the store writes it, live until tomorrow by the clock of a test that runs a month behind.
        var monthAgo = DateTimeOffset.UtcNow.AddDays(-30);
        var session = ServerSession.Start("ttl-user", "ttl-profile", "ttl-instance", "svc", TimeSpan.FromDays(1), monthAgo) with { Version = 1 };
        var id = session.Id;
        await client.PutItemAsync(new PutItemRequest { TableName = table, Item = SessionItem.ToItem(session, TimeSpan.FromHours(1)) });

        var deleted = await IsDeletedWithinAsync(client, table, id, server.Kind == LocalServerKind.DynamoDbLocal ? DeletionWait : TimeSpan.FromSeconds(2));

        if (Environment.GetEnvironmentVariable(DynamoDbServerFixture.EndpointVariable) is not { Length: > 0 })
        {
            deleted.Should().Be(server.Kind == LocalServerKind.DynamoDbLocal);
        }
    }

    [Fact]
    public async Task A_store_on_a_clock_in_the_past_loses_its_live_session_to_TTL_on_DynamoDB_Local()
    {
        if (server.Kind != LocalServerKind.DynamoDbLocal || Environment.GetEnvironmentVariable(DynamoDbServerFixture.EndpointVariable) is { Length: > 0 })
        {
            // Only DynamoDB Local deletes expired items at once; the first test pins that dynalite keeps them.
            (await server.CapabilitiesAsync()).Should().NotBeNull();
            return;
        }

        var table = await server.CreateTableAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-30));
        var store = TestStores.DynamoDb(server.CreateClient(allowPastTtl: true), table, clock);
        var session = await store.CreateAsync(ServerSession.Start("ttl-user", "ttl-profile", "ttl-instance", "svc", TimeSpan.FromHours(1), clock.GetUtcNow()));
        await store.TouchAsync(session.Id);

        var waited = Stopwatch.StartNew();
        Exception? refused = null;
        while (refused is null && waited.Elapsed < DeletionWait)
        {
            try
            {
                await store.TouchAsync(session.Id);
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
            catch (SessionNotFoundException ex)
            {
                refused = ex;
            }
        }

        refused.Should().BeOfType<SessionNotFoundException>("the session is live by the store's clock, but its ttl lies a month in the past by the server's");
        (await store.ListByTimeRangeAsync(session.CreatedAt, clock.GetUtcNow().AddTicks(1))).Items.Should().BeEmpty("the lists miss it too");
        (await store.ListByUserAsync(session.User)).Items.Should().BeEmpty();
    }

    private static async Task<bool> IsDeletedWithinAsync(Amazon.DynamoDBv2.IAmazonDynamoDB client, string table, string id, TimeSpan wait)
    {
        var waited = Stopwatch.StartNew();
        do
        {
            var response = await client.GetItemAsync(new GetItemRequest { TableName = table, Key = SessionItem.Key(id), ConsistentRead = true });
            if (response.Item is not { Count: > 0 })
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
        while (waited.Elapsed < wait);

        return false;
    }
}

public sealed class TimeToLiveTestsOnDynalite(DynaliteFixture server) : TimeToLiveTests(server), IClassFixture<DynaliteFixture>;

public sealed class TimeToLiveTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : TimeToLiveTests(server), IClassFixture<DynamoDbLocalFixture>;
