using Microsoft.Extensions.Options;

namespace Sessions.Tests.DynamoDb;

/// <summary>
/// Capacity each store operation consumes, as the server reports it per table and per index
/// (<c>ReturnConsumedCapacity = INDEXES</c>), on the store's own layout (KEYS_ONLY indexes) and on the original
/// tool's layout (the same four indexes projecting ALL). Asserted where the design fixes it and the server reports
/// it (DynamoDB Local does; dynalite reports no index units): Touch is one write unit and writes no index; Revoke and
/// Expire write only the indexes whose keys change (status is a key of gsi-status and gsi-server-instance).
/// docs/PERFORMANCE.md shows the table these tests print.
/// </summary>
public abstract class ConsumedCapacityTests(DynamoDbServerFixture server, ITestOutputHelper output)
{
    private static readonly string[] StatusKeyed = [SessionTable.StatusIndex, SessionTable.ServerInstanceIndex];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2072, 6, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Touch_is_one_write_unit_and_writes_no_index()
    {
        var (store, meter) = await StoreAsync(allProjected: false);
        var session = await store.CreateAsync(NewSession());

        var touch = await MeasureAsync(meter, () => store.TouchAsync(session.Id));

        if ((await server.CapabilitiesAsync()).ReportsIndexCapacity)
        {
            touch.TableUnits.Should().Be(1.0);
            touch.IndexUnits.Should().BeEmpty("Touch changes no key attribute and the indexes project keys only");
        }
        else
        {
            touch.TableUnits.Should().BeGreaterThanOrEqualTo(1.0);
        }
    }

    [Fact]
    public async Task Touch_stays_one_write_unit_after_16_concurrent_touches_added_their_writer_slots()
    {
        var (store, meter) = await StoreAsync(allProjected: false);
        var session = await store.CreateAsync(NewSession());
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => store.TouchAsync(session.Id))));

        var touch = await MeasureAsync(meter, () => store.TouchAsync(session.Id));

        var item = (await server.Client.GetItemAsync(new GetItemRequest { TableName = store.TableName, Key = SessionItem.Key(session.Id), ConsistentRead = true })).Item;
        var slots = item.Keys.Count(k => k.StartsWith(WriteSlots.AttributePrefix, StringComparison.Ordinal));
        slots.Should().BeInRange(1, 16, "one attribute per writer slot that ever touched it, at most one per concurrent call");
        output.WriteLine($"after 16 concurrent touches: {slots} writer slots on the item; a Touch costs {touch}");
        if ((await server.CapabilitiesAsync()).ReportsIndexCapacity)
        {
            touch.TableUnits.Should().Be(1.0, "the item stays under 1 KB");
            touch.IndexUnits.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task Touch_on_a_global_table_with_home_Regions_is_still_one_request_and_one_write_unit_in_the_sessions_home()
    {
        var table = await server.CreateTableAsync();
        var meter = server.CreateCapacityMeteringClient();
        var options = Options.Create(new DynamoDbSessionStoreOptions { TableName = table, Region = "us-east-1", GlobalTableRegions = ["eu-west-1", "us-east-1"] });
        var store = DynamoDbSessionStore.ForGlobalTable(meter, new Dictionary<string, IAmazonDynamoDB> { ["eu-west-1"] = server.Client }, options, _time);
        var session = await store.CreateAsync(NewSession());
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => store.TouchAsync(session.Id))));

        var touch = await MeasureAsync(meter, () => store.TouchAsync(session.Id));

        var item = (await server.Client.GetItemAsync(new GetItemRequest { TableName = table, Key = SessionItem.Key(session.Id), ConsistentRead = true })).Item;
        item[SessionItem.HomeRegion].S.Should().Be("us-east-1");
        var bodies = new RequestBodies();
        var sizing = server.CreateClient(bodies);
        await TestStores.DynamoDb(sizing, table, _time).TouchAsync(session.Id);
        await DynamoDbSessionStore.ForGlobalTable(sizing, new Dictionary<string, IAmazonDynamoDB> { ["eu-west-1"] = server.Client }, options, _time).TouchAsync(session.Id);
        var first = Options.Create(new DynamoDbSessionStoreOptions { TableName = table, Region = "eu-west-1", GlobalTableRegions = ["eu-west-1", "us-east-1"] });
        var inFirst = DynamoDbSessionStore.ForGlobalTable(sizing, new Dictionary<string, IAmazonDynamoDB> { ["us-east-1"] = server.Client }, first, _time);
        await inFirst.TouchAsync((await inFirst.CreateAsync(NewSession())).Id);
        bodies.Sizes.Should().HaveCount(3, "each Touch in the session's home is one request");
        output.WriteLine($"home Regions: a Touch in the session's home costs {touch}; its request is {bodies.Sizes[1]} B "
            + $"({bodies.Sizes[2]} B in the first Region, which also homes sessions that name none) against {bodies.Sizes[0]} B on a table of one Region");
        if ((await server.CapabilitiesAsync()).ReportsIndexCapacity)
        {
            touch.TableUnits.Should().Be(1.0, "the home guard is a condition on the item, and the item with its home and 16 writer slots stays under 1 KB");
            touch.IndexUnits.Should().BeEmpty();
        }
    }

    /// <summary>Records the size of each UpdateItem body sent through it.</summary>
    private sealed class RequestBodies : DelegatingHandler
    {
        public List<long> Sizes { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (CountingHandler.OperationOf(request) == "UpdateItem" && request.Content is { } content)
            {
                Sizes.Add((await content.ReadAsByteArrayAsync(cancellationToken)).Length);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task Revoke_and_Expire_write_only_the_indexes_keyed_on_status_and_Update_writes_none()
    {
        var (store, meter) = await StoreAsync(allProjected: false);
        var revoked = await store.CreateAsync(NewSession());
        var expired = await store.CreateAsync(NewSession());
        var updated = await store.CreateAsync(NewSession());

        var revoke = await MeasureAsync(meter, () => store.RevokeAsync(revoked.Id, "ops", "capacity"));
        var expire = await MeasureAsync(meter, () => store.ExpireAsync(expired.Id));
        var update = await MeasureAsync(meter, () => store.UpdateAsync(updated with { SourceIdentity = "other" }));

        if ((await server.CapabilitiesAsync()).ReportsIndexCapacity)
        {
            revoke.TableUnits.Should().Be(1.0);
            revoke.IndexUnits.Keys.Should().BeEquivalentTo(StatusKeyed);
            expire.IndexUnits.Keys.Should().BeEquivalentTo(StatusKeyed);
            revoke.TotalUnits.Should().Be(5.0, "the table, and a delete and a put in each of the two indexes keyed on status");
            update.TableUnits.Should().Be(1.0);
            update.IndexUnits.Should().BeEmpty("Update changes no key attribute here");
        }
        else
        {
            revoke.TableUnits.Should().BeGreaterThanOrEqualTo(1.0);
        }
    }

    [Fact]
    public async Task Every_operation_is_measured_on_both_layouts()
    {
        var keysOnly = await MeasureEveryOperationAsync(allProjected: false);
        var all = await MeasureEveryOperationAsync(allProjected: true);

        output.WriteLine($"{"operation",-28} | {"KEYS_ONLY (this store)",-60} | ALL (original tool's layout)");
        foreach (var (operation, use) in keysOnly)
        {
            output.WriteLine($"{operation,-28} | {use,-60} | {all[operation]}");
        }

        keysOnly.Keys.Should().Equal(all.Keys);
        keysOnly.Values.Should().OnlyContain(use => use.Requests > 0, "every request reports what it consumed");
        if ((await server.CapabilitiesAsync()).ReportsIndexCapacity)
        {
            keysOnly["Touch"].TotalUnits.Should().Be(1.0);
            all["Touch"].TotalUnits.Should().Be(5.0, "with ALL projection every index holds last_access_at and request_count");
            keysOnly["Create"].TotalUnits.Should().Be(5.0, "a new item enters the table and all four indexes");
            all["Create"].TotalUnits.Should().Be(5.0);
        }
    }

    private async Task<SortedDictionary<string, CapacityUse>> MeasureEveryOperationAsync(bool allProjected)
    {
        var (store, meter) = await StoreAsync(allProjected);
        var results = new SortedDictionary<string, CapacityUse>(StringComparer.Ordinal);
        var session = NewSession();
        results["Create"] = await MeasureAsync(meter, () => store.CreateAsync(session));
        results["Get"] = await MeasureAsync(meter, () => store.GetAsync(session.Id));
        results["Touch"] = await MeasureAsync(meter, () => store.TouchAsync(session.Id));
        var stored = await store.GetAsync(session.Id);
        results["Update"] = await MeasureAsync(meter, () => store.UpdateAsync(stored with { SourceIdentity = "other" }));
        for (var i = 0; i < 9; i++)
        {
            await store.CreateAsync(NewSession(session.User, session.Profile));
        }

        results["ListByUser (10 items)"] = await MeasureAsync(meter, () => store.ListByUserAsync(session.User));
        results["ListByProfile (10 items)"] = await MeasureAsync(meter, () => store.ListByProfileAsync(session.Profile));
        results["ListByStatus (10 items)"] = await MeasureAsync(meter, () => store.ListByStatusAsync(SessionStatus.Active));
        results["ListByTimeRange (10 items)"] = await MeasureAsync(meter, () => store.ListByTimeRangeAsync(session.CreatedAt, _time.GetUtcNow()));
        results["FindActiveByServerInstance"] = await MeasureAsync(meter, () => store.FindActiveByServerInstanceAsync(session.ServerInstanceId));
        results["Revoke"] = await MeasureAsync(meter, () => store.RevokeAsync(session.Id, "ops", "capacity"));
        var other = await store.CreateAsync(NewSession());
        results["Expire"] = await MeasureAsync(meter, () => store.ExpireAsync(other.Id));
        results["Delete"] = await MeasureAsync(meter, () => store.DeleteAsync(session.Id));
        return results;
    }

    private async Task<(DynamoDbSessionStore Store, CapacityMeteringClient Meter)> StoreAsync(bool allProjected)
    {
        var table = allProjected ? await server.CreateAllProjectedTableAsync() : await server.CreateTableAsync();
        var meter = server.CreateCapacityMeteringClient();
        return (TestStores.DynamoDb(meter, table, _time), meter);
    }

    private ServerSession NewSession(string? user = null, string? profile = null)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var session = ServerSession.Start(user ?? "cap-user-" + tag, profile ?? "cap-profile-" + tag, "cap-i-" + tag, "svc", TimeSpan.FromHours(1), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        return session;
    }

    private static async Task<CapacityUse> MeasureAsync(CapacityMeteringClient meter, Func<Task> call)
    {
        meter.Reset();
        await call();
        return meter.Use();
    }
}

public sealed class ConsumedCapacityTestsOnDynalite(DynaliteFixture server, ITestOutputHelper output) : ConsumedCapacityTests(server, output), IClassFixture<DynaliteFixture>;

public sealed class ConsumedCapacityTestsOnDynamoDbLocal(DynamoDbLocalFixture server, ITestOutputHelper output) : ConsumedCapacityTests(server, output), IClassFixture<DynamoDbLocalFixture>;
