namespace Sessions.Tests.Reliability;

/// <summary>
/// Items written raw into the table with missing attributes, wrong attribute types, an unknown status, unparsable
/// timestamps or a negative count: every read of the one item that meets one — Get and Touch — fails with <see cref="SessionCorruptException"/> naming the item and the attribute, so a value the reader
/// refuses is never served; every list whose index holds it reports it beside the sessions it could read, and
/// FindActiveByServerInstance passes over it to the instance's newest readable session. Never a crash, never a
/// page that quietly leaves the item out, never a list that fails as a whole.
/// </summary>
public abstract class CorruptItemTests(DynamoDbServerFixture server, ITestOutputHelper output)
{
    private static readonly DateTimeOffset s_now = new(2039, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, (string Attribute, Action<Dictionary<string, AttributeValue>> Corrupt)> s_cases = new()
    {
        ["missing user"] = (SessionItem.User, item => item.Remove(SessionItem.User)),
        ["missing profile"] = (SessionItem.Profile, item => item.Remove(SessionItem.Profile)),
        ["missing server instance"] = (SessionItem.ServerInstanceId, item => item.Remove(SessionItem.ServerInstanceId)),
        ["missing status"] = (SessionItem.Status, item => item.Remove(SessionItem.Status)),
        ["missing started_at"] = (SessionItem.StartedAt, item => item.Remove(SessionItem.StartedAt)),
        ["missing expires_at"] = (SessionItem.ExpiresAt, item => item.Remove(SessionItem.ExpiresAt)),
        ["missing created_at"] = (SessionItem.CreatedAt, item => item.Remove(SessionItem.CreatedAt)),
        ["unknown status"] = (SessionItem.Status, item => item[SessionItem.Status] = SessionItem.S("paused")),
        ["status in upper case"] = (SessionItem.Status, item => item[SessionItem.Status] = SessionItem.S("ACTIVE")),
        ["started_at a number"] = (SessionItem.StartedAt, item => item[SessionItem.StartedAt] = SessionItem.N(1_700_000_000)),
        ["expires_at a number"] = (SessionItem.ExpiresAt, item => item[SessionItem.ExpiresAt] = SessionItem.N(4_000_000_000)),
        ["last_access_at a number"] = (SessionItem.LastAccessAt, item => item[SessionItem.LastAccessAt] = SessionItem.N(1)),
        ["updated_at a boolean"] = (SessionItem.UpdatedAt, item => item[SessionItem.UpdatedAt] = new AttributeValue { BOOL = true }),
        ["request_count a string"] = (SessionItem.RequestCount, item => item[SessionItem.RequestCount] = SessionItem.S("7")),
        ["request_count NULL"] = (SessionItem.RequestCount, item => item[SessionItem.RequestCount] = new AttributeValue { NULL = true }),
        ["version a string"] = (SessionItem.Version, item => item[SessionItem.Version] = SessionItem.S("1")),
        ["version NULL"] = (SessionItem.Version, item => item[SessionItem.Version] = new AttributeValue { NULL = true }),
        ["source_identity a number"] = (SessionItem.SourceIdentity, item => item[SessionItem.SourceIdentity] = SessionItem.N(42)),
        ["revoked_by a string set"] = (SessionItem.RevokedBy, item => item[SessionItem.RevokedBy] = new AttributeValue { SS = ["ops", "root"] }),
        ["started_at unparsable"] = (SessionItem.StartedAt, item => item[SessionItem.StartedAt] = SessionItem.S("yesterday")),
        ["expires_at month 13"] = (SessionItem.ExpiresAt, item => item[SessionItem.ExpiresAt] = SessionItem.S("2026-13-01T00:00:00.0000000Z")),
        ["created_at without time"] = (SessionItem.CreatedAt, item => item[SessionItem.CreatedAt] = SessionItem.S("2039-06-01")),
        ["created_at not a time"] = (SessionItem.CreatedAt, item => item[SessionItem.CreatedAt] = SessionItem.S("not a time")),
        ["last_access_at with a 10th fractional digit"] = (SessionItem.LastAccessAt, item => item[SessionItem.LastAccessAt] = SessionItem.S("2039-06-01T11:00:00.1234567891Z")),
        ["updated_at with offset +25:00"] = (SessionItem.UpdatedAt, item => item[SessionItem.UpdatedAt] = SessionItem.S("2039-06-01T11:00:00+25:00")),
        ["negative request_count"] = (SessionItem.RequestCount, item => item[SessionItem.RequestCount] = SessionItem.N(-1)),
        ["fractional request_count"] = (SessionItem.RequestCount, item => item[SessionItem.RequestCount] = new AttributeValue { N = "1.5" }),
        ["request_count beyond a long"] = (SessionItem.RequestCount, item => item[SessionItem.RequestCount] = new AttributeValue { N = "99999999999999999999" }),
        ["negative version"] = (SessionItem.Version, item => item[SessionItem.Version] = SessionItem.N(-3)),
        ["version at its largest"] = (SessionItem.Version, item => item[SessionItem.Version] = SessionItem.N(long.MaxValue)),
        ["expires_at of the stored shape with month, day and hour 99"] = (SessionItem.ExpiresAt, item => item[SessionItem.ExpiresAt] = SessionItem.S("9999-99-99T99:99:99.9999999Z")),
        ["expires_at hour 25"] = (SessionItem.ExpiresAt, item => item[SessionItem.ExpiresAt] = SessionItem.S("2039-06-01T25:00:00.0000000Z")),
        ["expires_at day 32"] = (SessionItem.ExpiresAt, item => item[SessionItem.ExpiresAt] = SessionItem.S("2039-06-32T12:00:00.0000000Z")),
        ["last_access_at with a space for the T"] = (SessionItem.LastAccessAt, item => item[SessionItem.LastAccessAt] = SessionItem.S("2039-06-01 11:00:00")),
        ["expires_at not after started_at"] = (SessionItem.ExpiresAt, item => item[SessionItem.ExpiresAt] = item[SessionItem.StartedAt]),
        ["revoked_by on an Active session"] = (SessionItem.RevokedBy, item => item[SessionItem.RevokedBy] = SessionItem.S("ops")),
        ["revoked_reason on an Active session"] = (SessionItem.RevokedReason, item => item[SessionItem.RevokedReason] = SessionItem.S("why")),
        ["source_identity of 5,000 bytes"] = (SessionItem.SourceIdentity, item => item[SessionItem.SourceIdentity] = SessionItem.S(new string('s', 5_000))),
        ["server instance of 1,500 bytes"] = (SessionItem.ServerInstanceId, item => item[SessionItem.ServerInstanceId] = SessionItem.S(new string('i', 1_500))),
    };

    public static TheoryData<string> Cases => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_corrupt_item_fails_every_read_that_meets_it_with_SessionStoreException_naming_item_and_attribute(string corruption)
    {
        var (attribute, corrupt) = s_cases[corruption];
        var table = await server.CreateTableAsync();
        var store = TestStores.DynamoDb(server.Client, table, new FakeTimeProvider(s_now));
        var tag = Guid.NewGuid().ToString("N")[..8];
        var session = ServerSession.Start($"user-{tag}", $"profile-{tag}", $"instance-{tag}", "svc", TimeSpan.FromHours(1), s_now.AddMinutes(-1)) with { Version = 1 };
        var healthy = await store.CreateAsync(ServerSession.Start(session.User, session.Profile, session.ServerInstanceId, "svc", TimeSpan.FromHours(1), s_now.AddMinutes(-2)));
        var item = SessionItem.ToItem(session, TimeSpan.FromHours(1));
        corrupt(item);
        await server.Client.PutItemAsync(new PutItemRequest { TableName = table, Item = item });

        var reads = new List<(string Operation, Func<Task> Read)> { ("Get", () => store.GetAsync(session.Id)) };
        var lists = new List<(string Operation, Func<Task<SessionPage>> List)>();
        var createdAt = item.TryGetValue(SessionItem.CreatedAt, out var c) ? c.S : null;
        var status = item.TryGetValue(SessionItem.Status, out var st) ? st.S : null;
        var knownStatus = SessionStatusExtensions.TryParseStorageString(status, out var parsed);
        if (createdAt is not null && item.TryGetValue(SessionItem.User, out var user) && user.S is not null)
        {
            lists.Add(("ListByUser", () => store.ListByUserAsync(session.User)));
        }

        if (createdAt is not null && item.TryGetValue(SessionItem.Profile, out var profile) && profile.S is not null)
        {
            lists.Add(("ListByProfile", () => store.ListByProfileAsync(session.Profile)));
        }

        if (createdAt is not null && knownStatus)
        {
            lists.Add(("ListByStatus", () => store.ListByStatusAsync(parsed)));
            if (string.CompareOrdinal(createdAt, SessionTimestamp.Format(s_now.AddHours(-1))) >= 0 && string.CompareOrdinal(createdAt, SessionTimestamp.Format(s_now)) < 0)
            {
                lists.Add(("ListByTimeRange", () => store.ListByTimeRangeAsync(s_now.AddHours(-1), s_now)));
            }
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

        foreach (var (operation, list) in lists)
        {
            var page = await list();
            var error = page.Unreadable.Should().ContainSingle($"{operation} reports the item it could not read").Which;
            error.AttributeName.Should().Be(attribute, operation);
            error.SessionId.Should().Be(session.Id, operation);
            error.TableName.Should().Be(table);
            error.Message.Should().Contain(session.Id, operation).And.Contain($"'{attribute}'", operation);
            page.Items.Select(s => s.Id).Should().Contain(healthy.Id, $"{operation} still lists the sessions it could read");
        }

        (await store.FindActiveByServerInstanceAsync(healthy.ServerInstanceId)).Should().Be(healthy, "an item that cannot be read (and so never serves) is passed over");

        // Touch reads the old item back and refuses what any read refuses, naming it. Its condition refuses some damage
        // before writing; other damage it finds only in the old item after its write (which may even overwrite it).
        var touchError = (await FluentActions.Awaiting(() => store.TouchAsync(session.Id)).Should().ThrowAsync<SessionCorruptException>("Touch meets the item")).Which;
        touchError.AttributeName.Should().Be(attribute);
        touchError.SessionId.Should().Be(session.Id);
        touchError.Operation.Should().Be("Touch");
        touchError.Message.Should().Contain(session.Id).And.Contain($"'{attribute}'");

        (await store.GetAsync(healthy.Id)).Should().Be(healthy, "a corrupt item does not affect its neighbours");
        output.WriteLine($"{corruption}: {string.Join(", ", reads.Select(r => r.Operation).Concat(lists.Select(l => l.Operation)))}");

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

    [Theory]
    [InlineData("NOT-A-SESSION-ID")]
    [InlineData("0123456789ABCDEF")]
    [InlineData("line\nbreak\u001b[2J")]
    public async Task An_item_whose_id_is_not_a_session_id_is_reported_by_every_list_with_its_id_escaped(string id)
    {
        id = System.Text.RegularExpressions.Regex.Unescape(id);
        var table = await server.CreateTableAsync();
        var store = TestStores.DynamoDb(server.Client, table, new FakeTimeProvider(s_now));
        var tag = Guid.NewGuid().ToString("N")[..8];
        var healthy = await store.CreateAsync(ServerSession.Start($"user-{tag}", $"profile-{tag}", $"instance-{tag}", "svc", TimeSpan.FromHours(1), s_now.AddMinutes(-2)));
        var item = SessionItem.ToItem(healthy with { Id = SessionId.New(), CreatedAt = s_now.AddMinutes(-1) }, TimeSpan.FromHours(1));
        item[SessionItem.Id] = SessionItem.S(id);
        await server.Client.PutItemAsync(new PutItemRequest { TableName = table, Item = item });

        foreach (var page in new[]
        {
            await store.ListByUserAsync(healthy.User),
            await store.ListByProfileAsync(healthy.Profile),
            await store.ListByStatusAsync(SessionStatus.Active),
            await store.ListByTimeRangeAsync(s_now.AddHours(-1), s_now),
        })
        {
            page.Items.Should().ContainSingle().Which.Should().Be(healthy);
            var error = page.Unreadable.Should().ContainSingle().Which;
            error.SessionId.Should().Be(id);
            error.AttributeName.Should().Be(SessionItem.Id);
            error.Message.Should().NotContainAny("\n", "\u001b").And.Contain("is not 16 lower-case hex characters");
        }

        (await store.FindActiveByServerInstanceAsync(healthy.ServerInstanceId)).Should().Be(healthy, "the newest readable Active session of the instance");
    }

    [Fact]
    public async Task A_page_that_ends_on_an_item_whose_created_at_is_no_timestamp_goes_on_past_it()
    {
        var table = await server.CreateTableAsync();
        var store = TestStores.DynamoDb(server.Client, table, new FakeTimeProvider(s_now));
        var user = "past-" + Guid.NewGuid().ToString("N")[..8];
        var healthy = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            healthy.Add((await store.CreateAsync(ServerSession.Start(user, "p", "i", "svc", TimeSpan.FromHours(1), s_now.AddHours(-i)))).Id);
        }

        var damaged = SessionItem.ToItem(ServerSession.Start(user, "p", "i", "svc", TimeSpan.FromHours(1), s_now.AddMinutes(-90)), TimeSpan.FromHours(1));
        damaged[SessionItem.CreatedAt] = SessionItem.S("2039-06-01 10:30:00");
        await server.Client.PutItemAsync(new PutItemRequest { TableName = table, Item = damaged });

        var listed = new List<string>();
        var unreadable = new List<string?>();
        string? token = null;
        do
        {
            var page = await store.ListByUserAsync(user, new PageRequest(1, token));
            listed.AddRange(page.Items.Select(s => s.Id));
            unreadable.AddRange(page.Unreadable.Select(e => e.SessionId));
            token = page.ContinuationToken;
        }
        while (token is not null);

        listed.Should().BeEquivalentTo(healthy);
        unreadable.Should().Equal(damaged[SessionItem.Id].S);
    }

    [Fact]
    public async Task A_walk_reports_a_corrupt_item_once_on_its_page_and_lists_every_healthy_one_exactly_once()
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

        var listed = new List<string>();
        var unreadable = new List<(int Page, SessionCorruptException Error)>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await store.ListByUserAsync(user, new PageRequest(7, token));
            listed.AddRange(page.Items.Select(s => s.Id));
            unreadable.AddRange(page.Unreadable.Select(e => (pages, e)));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        listed.Should().HaveCount(30).And.OnlyHaveUniqueItems("every healthy session is listed exactly once");
        var (onPage, error) = unreadable.Should().ContainSingle("the corrupt item is reported exactly once").Which;
        error.SessionId.Should().Be(corrupt.Id);
        error.AttributeName.Should().Be(SessionItem.RequestCount);
        error.Message.Should().Contain(corrupt.Id).And.Contain("'request_count'");
        onPage.Should().Be(2, "15 sessions are newer than the corrupt item, so it is the 16th key of the walk: on the third page of 7");
    }
}

public sealed class CorruptItemTestsOnDynalite(DynaliteFixture server, ITestOutputHelper output) : CorruptItemTests(server, output), IClassFixture<DynaliteFixture>;

public sealed class CorruptItemTestsOnDynamoDbLocal(DynamoDbLocalFixture server, ITestOutputHelper output) : CorruptItemTests(server, output), IClassFixture<DynamoDbLocalFixture>;
