namespace Sessions.Tests.DynamoDb;

/// <summary>Requests on the wire per call, counted below the SDK: the round-trip budget of the design (§3).</summary>
public abstract class DynamoDbRoundTripTests(DynamoDbServerFixture server) : IAsyncLifetime
{
    private readonly CountingHandler _wire = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2032, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private DynamoDbSessionStore _store = null!;
    private readonly string _user = "rt-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        var table = await server.SharedTableAsync();
        _store = TestStores.DynamoDb(server.CreateClient(_wire), table, _time);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Touch_is_one_UpdateItem_and_nothing_else()
    {
        var session = await CreateAsync();

        (await RequestsOf(() => _store.TouchAsync(session.Id))).Should().BeEquivalentTo(Requests(("UpdateItem", 1)));
    }

    [Fact]
    public async Task Create_Get_Update_Delete_Revoke_and_Expire_are_one_request_each()
    {
        var session = NewSession();
        (await RequestsOf(() => _store.CreateAsync(session))).Should().BeEquivalentTo(Requests(("PutItem", 1)));
        (await RequestsOf(() => _store.GetAsync(session.Id))).Should().BeEquivalentTo(Requests(("GetItem", 1)));
        var stored = await _store.GetAsync(session.Id);
        (await RequestsOf(() => _store.UpdateAsync(stored with { SourceIdentity = "changed" }))).Should().BeEquivalentTo(Requests(("UpdateItem", 1)));
        (await RequestsOf(() => _store.RevokeAsync(session.Id, "ops", "test"))).Should().BeEquivalentTo(Requests(("UpdateItem", 1)));
        (await RequestsOf(() => _store.DeleteAsync(session.Id))).Should().BeEquivalentTo(Requests(("DeleteItem", 1)));

        var other = await CreateAsync();
        (await RequestsOf(() => _store.ExpireAsync(other.Id))).Should().BeEquivalentTo(Requests(("UpdateItem", 1)));
    }

    [Fact]
    public async Task A_refused_write_is_one_request_where_the_server_returns_the_old_item_and_one_more_GetItem_elsewhere()
    {
        var capabilities = await server.CapabilitiesAsync();
        var fallback = capabilities.ReturnsOldItemOnConditionFailure ? 0 : 1;
        var session = await CreateAsync();
        var stale = await _store.GetAsync(session.Id);
        await _store.UpdateAsync(stale with { SourceIdentity = "first" });
        var expiring = await CreateAsync(TimeSpan.FromMinutes(1));

        (await RequestsOf(Ignore<SessionConcurrencyException>(() => _store.UpdateAsync(stale with { SourceIdentity = "second" }))))
            .Should().BeEquivalentTo(Requests(("UpdateItem", 1), ("GetItem", fallback)), "a conflicting Update");
        await _store.RevokeAsync(session.Id, "ops", "test");
        _time.Advance(TimeSpan.FromMinutes(2));
        (await RequestsOf(Ignore<SessionRevokedException>(() => _store.TouchAsync(session.Id))))
            .Should().BeEquivalentTo(Requests(("UpdateItem", 1), ("GetItem", fallback)), "a Touch of a revoked session");
        (await RequestsOf(Ignore<SessionExpiredException>(() => _store.TouchAsync(expiring.Id))))
            .Should().BeEquivalentTo(Requests(("UpdateItem", 1), ("GetItem", fallback)), "a Touch of an expired session");
        (await RequestsOf(Ignore<SessionRevokedException>(() => _store.RevokeAsync(session.Id, "ops", "again"))))
            .Should().BeEquivalentTo(Requests(("UpdateItem", 1), ("GetItem", fallback)), "a second Revoke");
        (await RequestsOf(Ignore<SessionAlreadyExistsException>(() => _store.CreateAsync(session with { Version = 0 }))))
            .Should().BeEquivalentTo(Requests(("PutItem", 1), ("GetItem", fallback)), "a Create of an existing id");
    }

    [Fact]
    public async Task FindActiveByServerInstance_is_one_Query_and_one_GetItem()
    {
        var session = await CreateAsync();

        (await RequestsOf(() => _store.FindActiveByServerInstanceAsync(session.ServerInstanceId))).Should().BeEquivalentTo(Requests(("Query", 1), ("GetItem", 1)));
    }

    [Fact]
    public async Task A_list_page_is_one_Query_and_one_BatchGetItem()
    {
        var session = await CreateAsync();
        await CreateAsync();

        (await RequestsOf(() => _store.ListByUserAsync(_user))).Should().BeEquivalentTo(Requests(("Query", 1), ("BatchGetItem", 1)));
        (await RequestsOf(() => _store.ListByProfileAsync(session.Profile))).Should().BeEquivalentTo(Requests(("Query", 1), ("BatchGetItem", 1)));
        (await RequestsOf(() => _store.ListByStatusAsync(SessionStatus.Active, new PageRequest(100)))).Should().BeEquivalentTo(Requests(("Query", 1), ("BatchGetItem", 1)));
    }

    [Fact]
    public async Task A_time_range_page_is_at_most_three_Queries_and_one_BatchGetItem()
    {
        var from = _time.GetUtcNow();
        await CreateAsync();
        var revoked = await CreateAsync();
        await _store.RevokeAsync(revoked.Id, "ops", "test");

        (await RequestsOf(() => _store.ListByTimeRangeAsync(from, _time.GetUtcNow()))).Should().BeEquivalentTo(Requests(("Query", 3), ("BatchGetItem", 1)));
    }

    [Fact]
    public async Task Bad_arguments_send_nothing()
    {
        (await RequestsOf(Ignore<ArgumentException>(() => _store.GetAsync("NOT-AN-ID")))).Should().BeEquivalentTo(Requests());
        (await RequestsOf(Ignore<ArgumentException>(() => _store.TouchAsync(string.Empty)))).Should().BeEquivalentTo(Requests());
        (await RequestsOf(Ignore<ArgumentException>(() => _store.ListByUserAsync(_user, new PageRequest(10, "tampered"))))).Should().BeEquivalentTo(Requests());
        (await RequestsOf(Ignore<ArgumentException>(() => _store.CreateAsync(NewSession() with { Status = SessionStatus.Revoked })))).Should().BeEquivalentTo(Requests());
    }

    private ServerSession NewSession(TimeSpan? duration = null) =>
        ServerSession.Start(_user, "rt-profile-" + _user, "rt-instance-" + Guid.NewGuid().ToString("N")[..8], "svc", duration ?? TimeSpan.FromHours(1), _time.GetUtcNow());

    private async Task<ServerSession> CreateAsync(TimeSpan? duration = null)
    {
        var created = await _store.CreateAsync(NewSession(duration));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        return created;
    }

    private static Func<Task> Ignore<TException>(Func<Task> call)
        where TException : Exception => async () =>
    {
        try
        {
            await call();
        }
        catch (TException)
        {
        }
    };

    private async Task<IReadOnlyDictionary<string, int>> RequestsOf(Func<Task> call)
    {
        _wire.Reset();
        await call();
        return _wire.Snapshot();
    }

    private static Dictionary<string, int> Requests(params (string Operation, int Count)[] expected) =>
        expected.Where(e => e.Count > 0).ToDictionary(e => e.Operation, e => e.Count);
}

public sealed class DynamoDbRoundTripTestsOnDynalite(DynaliteFixture server) : DynamoDbRoundTripTests(server), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbRoundTripTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : DynamoDbRoundTripTests(server), IClassFixture<DynamoDbLocalFixture>;
