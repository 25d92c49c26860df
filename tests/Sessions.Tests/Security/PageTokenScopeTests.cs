using System.Text.Json.Nodes;
using Sessions.Paging;

namespace Sessions.Tests.Security;

/// <summary>
/// A continuation token cannot reach another index or partition: a token forged for another query is refused before
/// any request, and whatever position a token carries, the query's own key decides the index, the partition and the
/// time range on the wire.
/// </summary>
public abstract class PageTokenScopeTests(DynamoDbServerFixture server) : IAsyncLifetime
{
    private static int s_tests;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2042, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Interlocked.Increment(ref s_tests)));
    private readonly ScriptedFaultHandler _wire = new(_ => WireFault.None);
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];
    private DynamoDbSessionStore _dynamo = null!;
    private InMemorySessionStore _memory = null!;

    public async Task InitializeAsync()
    {
        var table = await server.SharedTableAsync();
        _dynamo = TestStores.DynamoDb(server.CreateClient(_wire), table, _time);
        _memory = new InMemorySessionStore(_time);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Builds a token as anyone can: the checksum is a plain SHA-256 (SECURITY.md says what it does and does not
    /// protect), so only the checks of what a token holds can refuse it.
    /// </summary>
    private static string Forge(PageQuery query, string createdAt, string id)
    {
        static byte[] Field(string value)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(value);
            return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
        }

        var fingerprint = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"sessions-page-query\0{query.Kind}\0{query.Key}"))[..8];
        byte[] payload = [2, .. fingerprint, 1, (byte)PageCursorState.After, .. Field(createdAt), .. Field(id)];
        byte[] token = [.. payload, .. System.Security.Cryptography.SHA256.HashData(payload)[..8]];
        return System.Buffers.Text.Base64Url.EncodeToString(token);
    }

    [Theory]
    [InlineData("in-memory")]
    [InlineData("DynamoDB")]
    public async Task A_token_forged_for_another_users_list_is_refused_before_any_request(string storeName)
    {
        var store = Store(storeName);
        var victim = await CreateAsync(store, "victim");
        var forged = PageToken.Encode(PageQuery.ForUser(victim.User), [CursorAt(victim)]);
        var sent = _wire.Attempts.Count;

        var act = () => store.ListByUserAsync(User("attacker"), new PageRequest(10, forged));

        await act.Should().ThrowAsync<ArgumentException>();
        _wire.Attempts.Should().HaveCount(sent);
    }

    [Theory]
    [InlineData("in-memory", 3_000, 28)]
    [InlineData("DynamoDB", 3_000, 28)]
    [InlineData("DynamoDB", 16, 1_500)]
    public async Task A_forged_token_whose_start_key_DynamoDB_would_refuse_is_refused_before_any_request(string storeName, int idBytes, int createdAtBytes)
    {
        var store = Store(storeName);
        var user = User("forger");
        var forged = Forge(PageQuery.ForUser(user), new string('2', createdAtBytes), new string('a', idBytes));
        var sent = _wire.Attempts.Count;

        var act = () => store.ListByUserAsync(user, new PageRequest(10, forged));

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("more than DynamoDB stores");
        _wire.Attempts.Should().HaveCount(sent, "nothing reached the server");
    }

    [Theory]
    [InlineData("in-memory")]
    [InlineData("DynamoDB")]
    public async Task Tokens_are_bound_to_the_kind_of_list_not_only_to_its_key(string storeName)
    {
        var store = Store(storeName);

        // A user named "active" must not page through the status index with a status token, nor the reverse.
        var statusToken = PageToken.Encode(PageQuery.ForStatus(SessionStatus.Active), [PageCursor.Start]);
        var userToken = PageToken.Encode(PageQuery.ForUser("active"), [PageCursor.Start]);
        var profileToken = PageToken.Encode(PageQuery.ForProfile("active"), [PageCursor.Start]);

        await FluentActions.Awaiting(() => store.ListByUserAsync("active", new PageRequest(1, statusToken))).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => store.ListByStatusAsync(SessionStatus.Active, new PageRequest(1, userToken))).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => store.ListByProfileAsync("active", new PageRequest(1, userToken))).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => store.ListByUserAsync("active", new PageRequest(1, profileToken))).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => store.ListByStatusAsync(SessionStatus.Revoked, new PageRequest(1, statusToken))).Should().ThrowAsync<ArgumentException>();
    }

    [Theory]
    [InlineData("in-memory")]
    [InlineData("DynamoDB")]
    public async Task A_token_of_the_own_query_carrying_another_partitions_position_still_lists_only_the_own_partition(string storeName)
    {
        var store = Store(storeName);
        var attacker = User("attacker");
        var older = await CreateAsync(store, "attacker");
        var victim = await CreateAsync(store, "victim");
        await CreateAsync(store, "attacker");
        await CreateAsync(store, "attacker");

        // Anyone can compute a token's checksum: tokens are not authorization. Forge one for the own list, positioned at
        // the victim's item (its created_at and id), and follow it.
        var forged = PageToken.Encode(PageQuery.ForUser(attacker), [CursorAt(victim)]);
        var page = await store.ListByUserAsync(attacker, new PageRequest(10, forged));

        page.Items.Should().OnlyContain(s => s.User == attacker);
        page.Items.Should().NotContain(s => s.Id == victim.Id);
        page.Items.Should().Equal([older], "the position only says where to resume within the own partition");
    }

    [Fact]
    public async Task Every_query_of_a_paged_walk_carries_the_lists_own_index_and_partition_on_the_wire()
    {
        var user = User("walker");
        var profile = Profile("walker");
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync(_dynamo, "walker");
        }

        var revoked = await CreateAsync(_dynamo, "walker");
        await _dynamo.RevokeAsync(revoked.Id, "ops", "scope");
        var from = _time.GetUtcNow().AddSeconds(-1);
        var to = _time.GetUtcNow().AddSeconds(1);
        var sent = _wire.Attempts.Count;

        (await WalkAsync(p => _dynamo.ListByUserAsync(user, p))).Should().HaveCount(6);
        (await WalkAsync(p => _dynamo.ListByProfileAsync(profile, p))).Should().HaveCount(6);
        (await WalkAsync(p => _dynamo.ListByTimeRangeAsync(from, to, p))).Should().HaveCount(6);

        var queries = _wire.Attempts.Skip(sent).Where(a => a.Operation == "Query").Select(a => JsonNode.Parse(a.Body)!).ToList();
        queries.Should().HaveCountGreaterThan(12);
        foreach (var query in queries)
        {
            var index = query["IndexName"]!.GetValue<string>();
            var partitionAttribute = query["ExpressionAttributeNames"]!["#pk"]!.GetValue<string>();
            var partition = query["ExpressionAttributeValues"]![":pk"]!["S"]!.GetValue<string>();
            (index, partitionAttribute).Should().BeOneOf((SessionTable.UserIndex, "user"), (SessionTable.ProfileIndex, "profile"), (SessionTable.StatusIndex, "status"));
            partition.Should().BeOneOf(user, profile, "active", "revoked", "expired");
            if (query["ExclusiveStartKey"] is { } start)
            {
                start[partitionAttribute]!["S"]!.GetValue<string>().Should().Be(partition, "the start key is in the query's own partition");
            }

            if (index == SessionTable.StatusIndex)
            {
                var (low, high) = SessionTimestamp.KeyRange(from, to);
                query["ExpressionAttributeValues"]![":from"]!["S"]!.GetValue<string>().Should().Be(low);
                query["ExpressionAttributeValues"]![":to"]!["S"]!.GetValue<string>().Should().Be(high);
            }
        }

        queries.Should().Contain(q => q["ExclusiveStartKey"] != null, "the walk followed tokens");
    }

    [Fact]
    public async Task A_time_range_token_positioned_outside_the_range_cannot_widen_it()
    {
        var inside = await CreateAsync(_dynamo, "ranger");
        var from = inside.CreatedAt;
        var to = from.AddMilliseconds(1);
        _time.Advance(TimeSpan.FromDays(1));
        await CreateAsync(_dynamo, "ranger");

        // A position a day past (or before) the range's key range, with a valid checksum: no store
        // could have written it, and it is refused as bad input before any request, on both stores.
        foreach (var outside in new[] { to.AddDays(2), from.AddDays(-1) })
        {
            var cursor = PageCursor.After(SessionTimestamp.Format(outside), "ffffffffffffffff");
            var forged = PageToken.Encode(PageQuery.ForTimeRange(from, to), [cursor]);
            var sent = _wire.Attempts.Count;

            (await FluentActions.Awaiting(() => _dynamo.ListByTimeRangeAsync(from, to, new PageRequest(10, forged))).Should().ThrowAsync<ArgumentException>())
                .Which.ParamName.Should().Be("page");
            (await FluentActions.Awaiting(() => _memory.ListByTimeRangeAsync(from, to, new PageRequest(10, forged))).Should().ThrowAsync<ArgumentException>())
                .Which.ParamName.Should().Be("page");
            _wire.Attempts.Count.Should().Be(sent, "the token is refused before any request");
        }

        (await _dynamo.ListByTimeRangeAsync(from, to)).Items.Should().Equal(inside);
    }

    private ISessionStore Store(string name) => name == "DynamoDB" ? _dynamo : _memory;

    private string User(string name) => $"{name}-{_tag}";

    private string Profile(string name) => $"profile-{name}-{_tag}";

    private async Task<ServerSession> CreateAsync(ISessionStore store, string name)
    {
        _time.Advance(TimeSpan.FromMilliseconds(1));
        return await store.CreateAsync(ServerSession.Start(User(name), Profile(name), $"instance-{name}-{_tag}", "svc", TimeSpan.FromHours(1), _time.GetUtcNow()));
    }

    private static PageCursor CursorAt(ServerSession session) => PageCursor.After(SessionTimestamp.Format(session.CreatedAt), session.Id);

    private static async Task<List<ServerSession>> WalkAsync(Func<PageRequest, Task<SessionPage>> list)
    {
        var all = new List<ServerSession>();
        var page = new PageRequest(2);
        do
        {
            var result = await list(page);
            all.AddRange(result.Items);
            page = page with { ContinuationToken = result.ContinuationToken };
        }
        while (page.ContinuationToken is not null);

        return all;
    }
}

public sealed class PageTokenScopeTestsOnDynalite(DynaliteFixture server) : PageTokenScopeTests(server), IClassFixture<DynaliteFixture>;

public sealed class PageTokenScopeTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : PageTokenScopeTests(server), IClassFixture<DynamoDbLocalFixture>;
