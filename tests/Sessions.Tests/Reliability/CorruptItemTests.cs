namespace Sessions.Tests.Reliability;

/// <summary>
/// Items written raw into the table with missing attributes, wrong attribute types, an unknown status, unparsable
/// timestamps or a negative count: every read that meets one — Get, each list whose index holds it, and Touch whenever
/// its condition sees the damage — fails with <see cref="SessionStoreException"/> naming the item and the attribute.
/// Never a crash, never a page that quietly leaves the item out.
/// </summary>
public abstract class CorruptItemTests(DynamoDbServerFixture server, ITestOutputHelper output)
{
    private static readonly DateTimeOffset s_now = new(2039, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, (string Attribute, Action<Dictionary<string, AttributeValue>> Corrupt, bool TouchSeesIt)> s_cases = new()
    {
        ["missing user"] = (SessionItem.User, item => item.Remove(SessionItem.User), false),
        ["missing profile"] = (SessionItem.Profile, item => item.Remove(SessionItem.Profile), false),
        ["missing server instance"] = (SessionItem.ServerInstanceId, item => item.Remove(SessionItem.ServerInstanceId), false),
        ["missing status"] = (SessionItem.Status, item => item.Remove(SessionItem.Status), true),
        ["missing started_at"] = (SessionItem.StartedAt, item => item.Remove(SessionItem.StartedAt), false),
        ["missing expires_at"] = (SessionItem.ExpiresAt, item => item.Remove(SessionItem.ExpiresAt), true),
        ["missing created_at"] = (SessionItem.CreatedAt, item => item.Remove(SessionItem.CreatedAt), false),
        ["unknown status"] = (SessionItem.Status, item => item[SessionItem.Status] = SessionItem.S("paused"), true),
        ["status in upper case"] = (SessionItem.Status, item => item[SessionItem.Status] = SessionItem.S("ACTIVE"), true),
        ["started_at a number"] = (SessionItem.StartedAt, item => item[SessionItem.StartedAt] = SessionItem.N(1_700_000_000), false),
        ["expires_at a number"] = (SessionItem.ExpiresAt, item => item[SessionItem.ExpiresAt] = SessionItem.N(4_000_000_000), true),
        ["last_access_at a number"] = (SessionItem.LastAccessAt, item => item[SessionItem.LastAccessAt] = SessionItem.N(1), false),
        ["updated_at a boolean"] = (SessionItem.UpdatedAt, item => item[SessionItem.UpdatedAt] = new AttributeValue { BOOL = true }, false),
        ["request_count a string"] = (SessionItem.RequestCount, item => item[SessionItem.RequestCount] = SessionItem.S("7"), true),
        ["request_count NULL"] = (SessionItem.RequestCount, item => item[SessionItem.RequestCount] = new AttributeValue { NULL = true }, true),
        ["version a string"] = (SessionItem.Version, item => item[SessionItem.Version] = SessionItem.S("1"), true),
        ["version NULL"] = (SessionItem.Version, item => item[SessionItem.Version] = new AttributeValue { NULL = true }, true),
        ["source_identity a number"] = (SessionItem.SourceIdentity, item => item[SessionItem.SourceIdentity] = SessionItem.N(42), false),
        ["revoked_by a string set"] = (SessionItem.RevokedBy, item => item[SessionItem.RevokedBy] = new AttributeValue { SS = ["ops", "root"] }, false),
        ["started_at unparsable"] = (SessionItem.StartedAt, item => item[SessionItem.StartedAt] = SessionItem.S("yesterday"), false),
        ["expires_at month 13"] = (SessionItem.ExpiresAt, item => item[SessionItem.ExpiresAt] = SessionItem.S("2026-13-01T00:00:00.0000000Z"), true),
        ["created_at without time"] = (SessionItem.CreatedAt, item => item[SessionItem.CreatedAt] = SessionItem.S("2039-06-01"), false),
        ["created_at not a time"] = (SessionItem.CreatedAt, item => item[SessionItem.CreatedAt] = SessionItem.S("not a time"), false),
        ["last_access_at with a 10th fractional digit"] = (SessionItem.LastAccessAt, item => item[SessionItem.LastAccessAt] = SessionItem.S("2039-06-01T11:00:00.1234567891Z"), false),
        ["updated_at with offset +25:00"] = (SessionItem.UpdatedAt, item => item[SessionItem.UpdatedAt] = SessionItem.S("2039-06-01T11:00:00+25:00"), false),
        ["negative request_count"] = (SessionItem.RequestCount, item => item[SessionItem.RequestCount] = SessionItem.N(-1), false),
        ["fractional request_count"] = (SessionItem.RequestCount, item => item[SessionItem.RequestCount] = new AttributeValue { N = "1.5" }, false),
        ["request_count beyond a long"] = (SessionItem.RequestCount, item => item[SessionItem.RequestCount] = new AttributeValue { N = "99999999999999999999" }, false),
        ["negative version"] = (SessionItem.Version, item => item[SessionItem.Version] = SessionItem.N(-3), false),
    };

    public static TheoryData<string> Cases => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_corrupt_item_fails_every_read_that_meets_it_with_SessionStoreException_naming_item_and_attribute(string corruption)
    {
        var (attribute, corrupt, touchSeesIt) = s_cases[corruption];
        var table = await server.CreateTableAsync();
        var store = TestStores.DynamoDb(server.Client, table, new FakeTimeProvider(s_now));
        var tag = Guid.NewGuid().ToString("N")[..8];
        var session = ServerSession.Start($"user-{tag}", $"profile-{tag}", $"instance-{tag}", "svc", TimeSpan.FromHours(1), s_now.AddMinutes(-1)) with { Version = 1 };
        var healthy = await store.CreateAsync(ServerSession.Start(session.User, session.Profile, session.ServerInstanceId, "svc", TimeSpan.FromHours(1), s_now.AddMinutes(-2)));
        var item = SessionItem.ToItem(session, TimeSpan.FromHours(1));
        corrupt(item);
        await server.Client.PutItemAsync(new PutItemRequest { TableName = table, Item = item });

        var reads = new List<(string Operation, Func<Task> Read)> { ("Get", () => store.GetAsync(session.Id)) };
        var createdAt = item.TryGetValue(SessionItem.CreatedAt, out var c) ? c.S : null;
        var status = item.TryGetValue(SessionItem.Status, out var st) ? st.S : null;
        var knownStatus = SessionStatusExtensions.TryParseStorageString(status, out var parsed);
        if (createdAt is not null && item.TryGetValue(SessionItem.User, out var user) && user.S is not null)
        {
            reads.Add(("ListByUser", () => store.ListByUserAsync(session.User)));
        }

        if (createdAt is not null && item.TryGetValue(SessionItem.Profile, out var profile) && profile.S is not null)
        {
            reads.Add(("ListByProfile", () => store.ListByProfileAsync(session.Profile)));
        }

        if (createdAt is not null && knownStatus)
        {
            reads.Add(("ListByStatus", () => store.ListByStatusAsync(parsed)));
            if (string.CompareOrdinal(createdAt, SessionTimestamp.Format(s_now.AddHours(-1))) >= 0 && string.CompareOrdinal(createdAt, SessionTimestamp.Format(s_now)) < 0)
            {
                reads.Add(("ListByTimeRange", () => store.ListByTimeRangeAsync(s_now.AddHours(-1), s_now)));
            }
        }

        if (status == "active" && item.ContainsKey(SessionItem.ServerInstanceId))
        {
            reads.Add(("FindActiveByServerInstance", () => store.FindActiveByServerInstanceAsync(session.ServerInstanceId)));
        }

        if (touchSeesIt)
        {
            reads.Add(("Touch", () => store.TouchAsync(session.Id)));
        }

        foreach (var (operation, read) in reads)
        {
            var error = (await FluentActions.Awaiting(read).Should().ThrowAsync<SessionCorruptException>($"{operation} meets the item")).Which;
            error.AttributeName.Should().Be(attribute, operation);
            error.SessionId.Should().Be(session.Id, operation);
            error.Operation.Should().Be(operation);
            error.TableName.Should().Be(table);
            error.Message.Should().Contain(session.Id, operation).And.Contain($"'{attribute}'", operation);
        }

        (await store.GetAsync(healthy.Id)).Should().Be(healthy, "a corrupt item does not affect its neighbours");
        output.WriteLine($"{corruption}: {string.Join(", ", reads.Select(r => r.Operation))}");

        // Revocation is never blocked by the damage: it is applied, or Touch refuses the item, naming it (fail closed).
        var revoke = await Record.ExceptionAsync(() => store.RevokeAsync(session.Id, "ops", "corrupt item"));
        var touch = await Record.ExceptionAsync(() => store.TouchAsync(session.Id));
        touch.Should().BeAssignableTo<SessionStoreException>("a session that may have escaped revocation never serves")
            .Which.SessionId.Should().Be(session.Id);
        if (revoke is not null)
        {
            revoke.Should().BeOfType<SessionCorruptException>().Which.SessionId.Should().Be(session.Id);
            if (!revoke.Message.Contains("was applied", StringComparison.Ordinal))
            {
                touch.Should().BeOfType<SessionCorruptException>("Touch fails closed on an item that Revoke could not change");
            }
        }

        output.WriteLine($"{corruption}: Revoke {(revoke is null ? "succeeded" : revoke.Message)}; Touch: {touch!.GetType().Name}");
    }

    [Fact]
    public async Task A_page_never_leaves_a_corrupt_item_out_even_among_many_healthy_ones()
    {
        var table = await server.CreateTableAsync();
        var store = TestStores.DynamoDb(server.Client, table, new FakeTimeProvider(s_now));
        var user = "crowd-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 30; i++)
        {
            await store.CreateAsync(ServerSession.Start(user, "p", "i", "svc", TimeSpan.FromHours(1), s_now.AddSeconds(-i)));
        }

        var corrupt = ServerSession.Start(user, "p", "i", "svc", TimeSpan.FromHours(1), s_now.AddSeconds(-15).AddMilliseconds(1));
        var item = SessionItem.ToItem(corrupt, TimeSpan.FromHours(1));
        item[SessionItem.RequestCount] = SessionItem.N(-5);
        await server.Client.PutItemAsync(new PutItemRequest { TableName = table, Item = item });

        var pages = new List<string>();
        string? token = null;
        var error = await Record.ExceptionAsync(async () =>
        {
            do
            {
                var page = await store.ListByUserAsync(user, new PageRequest(7, token));
                pages.AddRange(page.Items.Select(s => s.Id));
                token = page.ContinuationToken;
            }
            while (token is not null);
        });

        error.Should().BeOfType<SessionCorruptException>().Which.Message.Should().Contain(corrupt.Id).And.Contain("'request_count'");
        pages.Should().HaveCount(14, "the two pages before the corrupt item's page are returned whole");
    }
}

public sealed class CorruptItemTestsOnDynalite(DynaliteFixture server, ITestOutputHelper output) : CorruptItemTests(server, output), IClassFixture<DynaliteFixture>;

public sealed class CorruptItemTestsOnDynamoDbLocal(DynamoDbLocalFixture server, ITestOutputHelper output) : CorruptItemTests(server, output), IClassFixture<DynamoDbLocalFixture>;
