namespace Sessions.Tests.DynamoDb;

/// <summary>User text is only ever an expression value; provider faults name the table; one server instance, one active session.</summary>
public abstract class DynamoDbStoreSafetyTests(DynamoDbServerFixture server) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2033, 7, 1, 0, 0, 0, TimeSpan.Zero));
    private DynamoDbSessionStore _store = null!;

    public async Task InitializeAsync()
    {
        var table = await server.SharedTableAsync();
        _store = TestStores.DynamoDb(server.Client, table, _time);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string> ExpressionLikeText => new()
    {
        ":v",
        "#n",
        ")",
        "x) OR attribute_exists(id",
        "OR attribute_exists(id)",
        "status",
        "#status = :active",
        "SET #status = :revoked",
        "user 😀 ünïcödé",
        string.Concat(Enumerable.Repeat("😀", 256)),
    };

    [Theory]
    [MemberData(nameof(ExpressionLikeText))]
    public async Task User_text_with_expression_syntax_is_stored_and_found_literally(string text)
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var full = System.Text.Encoding.UTF8.GetByteCount(text) > 1_000;
        var user = full ? text : text + unique;
        var profile = full ? text : unique + text;
        var instance = "i-" + unique + text;
        var session = await _store.CreateAsync(ServerSession.Start(user, profile, instance[..Math.Min(instance.Length, 300)], text, TimeSpan.FromHours(1), _time.GetUtcNow()));
        await _store.CreateAsync(ServerSession.Start("decoy-" + unique, "decoy-" + unique, "decoy-" + unique, "x", TimeSpan.FromHours(1), _time.GetUtcNow()));

        (await _store.GetAsync(session.Id)).Should().Be(session);
        (await _store.ListByUserAsync(user)).Items.Should().ContainSingle(s => s.Id == session.Id).Which.Should().Be(session);
        (await _store.ListByUserAsync(user)).Items.Should().OnlyContain(s => s.User == user);
        (await _store.ListByProfileAsync(profile)).Items.Should().OnlyContain(s => s.Profile == profile).And.Contain(s => s.Id == session.Id);
        (await _store.FindActiveByServerInstanceAsync(session.ServerInstanceId))!.Id.Should().Be(session.Id);
        var revoked = await _store.RevokeAsync(session.Id, text, text);
        revoked.RevokedBy.Should().Be(text);
        revoked.RevokedReason.Should().Be(text);
        await FluentActions.Awaiting(() => _store.TouchAsync(session.Id)).Should().ThrowAsync<SessionRevokedException>();
    }

    [Fact]
    public async Task Key_fields_of_1024_utf8_bytes_are_stored_and_found()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var user = unique + new string('é', 508);
        System.Text.Encoding.UTF8.GetByteCount(user).Should().Be(1_024);
        var session = await _store.CreateAsync(ServerSession.Start(user, user, user, new string('s', 4_096), TimeSpan.FromHours(1), _time.GetUtcNow()));

        (await _store.ListByUserAsync(user)).Items.Should().ContainSingle().Which.Should().Be(session);
        (await _store.FindActiveByServerInstanceAsync(user)).Should().Be(session);
    }

    [Fact]
    public async Task One_server_instance_with_a_revoked_an_expired_and_an_active_session_finds_the_active_one()
    {
        var instance = "host-" + Guid.NewGuid().ToString("N")[..8];
        var revoked = await _store.CreateAsync(ServerSession.Start("u", "p", instance, "s", TimeSpan.FromHours(1), _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(1));
        var active = await _store.CreateAsync(ServerSession.Start("u", "p", instance, "s", TimeSpan.FromHours(1), _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(1));
        var expired = await _store.CreateAsync(ServerSession.Start("u", "p", instance, "s", TimeSpan.FromHours(1), _time.GetUtcNow()));
        await _store.RevokeAsync(revoked.Id, "ops", "test");
        await _store.ExpireAsync(expired.Id);

        (await _store.FindActiveByServerInstanceAsync(instance)).Should().Be(active);
    }

    [Fact]
    public async Task A_missing_table_gives_SessionStoreException_naming_the_table_with_the_sdk_error_inside()
    {
        var missing = "sessions-missing-" + Guid.NewGuid().ToString("N")[..8];
        var store = TestStores.DynamoDb(server.Client, missing, _time);

        var error = (await FluentActions.Awaiting(() => store.GetAsync(SessionId.New())).Should().ThrowAsync<SessionStoreException>()).Which;

        error.Should().BeOfType<SessionStoreException>();
        error.TableName.Should().Be(missing);
        error.Operation.Should().Be("Get");
        error.Message.Should().Contain(missing);
        error.InnerException.Should().BeOfType<ResourceNotFoundException>();
        await FluentActions.Awaiting(() => store.TouchAsync(SessionId.New())).Should().ThrowAsync<SessionStoreException>().Where(e => e.TableName == missing);
        await FluentActions.Awaiting(() => store.ListByUserAsync("alice")).Should().ThrowAsync<SessionStoreException>().Where(e => e.TableName == missing);
    }
}

public sealed class DynamoDbStoreSafetyTestsOnDynalite(DynaliteFixture server) : DynamoDbStoreSafetyTests(server), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbStoreSafetyTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : DynamoDbStoreSafetyTests(server), IClassFixture<DynamoDbLocalFixture>;
