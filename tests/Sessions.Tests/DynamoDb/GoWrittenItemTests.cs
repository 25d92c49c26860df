using static Sessions.TestSupport.Stores.GoWrittenItems;

namespace Sessions.Tests.DynamoDb;

/// <summary>
/// Items the original Go tool wrote (and odd forms the reader accepts) are judged by their true instant on every path:
/// Touch, Update, Revoke and Expire. A stored-form item keeps the one-request Touch; any other form costs one more
/// write (plus a read where the server does not return the old item), after which it is in the stored form.
/// </summary>
public abstract class GoWrittenItemTests(DynamoDbServerFixture server) : IAsyncLifetime
{
    private static readonly DateTimeOffset s_expiry = new(2031, 3, 10, 2, 0, 0, TimeSpan.Zero);

    private readonly CountingHandler _wire = new();
    private readonly FakeTimeProvider _time = new(s_expiry.AddHours(-1));
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];
    private string _table = null!;
    private bool _returnsOldItem;
    private DynamoDbSessionStore _store = null!;

    public async Task InitializeAsync()
    {
        _table = await server.SharedTableAsync();
        _returnsOldItem = (await server.CapabilitiesAsync()).ReturnsOldItemOnConditionFailure;
        _store = TestStores.DynamoDb(server.CreateClient(_wire), _table, _time);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Stored forms of one ExpiresAt, and the instant the reader takes each for.</summary>
    public static TheoryData<string, string> ExpiryForms => new()
    {
        { "2031-03-10T02:00:00.0000000Z", "2031-03-10T02:00:00.0000000Z" },
        { "2031-03-10T02:00:00Z", "2031-03-10T02:00:00.0000000Z" },
        { "2031-03-10T02:00:00.5Z", "2031-03-10T02:00:00.5000000Z" },
        { "2031-03-10T04:00:00+02:00", "2031-03-10T02:00:00.0000000Z" },
        { "2031-03-10T16:00:00+14:00", "2031-03-10T02:00:00.0000000Z" },
        { "2031-03-09T21:00:00-05:00", "2031-03-10T02:00:00.0000000Z" },
        { "2031-03-10T04:00:00.12+02:00", "2031-03-10T02:00:00.1200000Z" },
        { "2031-03-10t02:00:00.25z", "2031-03-10T02:00:00.2500000Z" },
        { "2031-03-10T02:00:00.1234567z", "2031-03-10T02:00:00.1234567Z" },
        { "2031-03-10t02:00:00.1234567Z", "2031-03-10T02:00:00.1234567Z" },
        { "2031-03-10T02:00:00.123456789Z", "2031-03-10T02:00:00.1234567Z" },
        { "2031-03-10T02:00:00.0000000+00:00", "2031-03-10T02:00:00.0000000Z" },
    };

    [Theory]
    [MemberData(nameof(ExpiryForms))]
    public async Task Touch_judges_expires_at_by_its_true_instant_and_rewrites_it_once_into_the_stored_form(string stored, string instant)
    {
        var expiresAt = SessionTimestamp.Parse(instant);
        var canonical = SessionTimestamp.IsCanonical(stored);
        var served = await PutGoItemAsync(expiresAt: stored);
        var refused = await PutGoItemAsync(expiresAt: stored);
        var read = _returnsOldItem ? 0 : 1;

        // One tick before its true expiry it serves: one request in the stored form, else two writes (and a read).
        _time.SetUtcNow(expiresAt.AddTicks(-1));
        _wire.Reset();
        await _store.TouchAsync(served);
        _wire.Snapshot().Should().BeEquivalentTo(canonical
            ? new Dictionary<string, int> { ["UpdateItem"] = 1 }
            : read == 0 ? new Dictionary<string, int> { ["UpdateItem"] = 2 } : new Dictionary<string, int> { ["UpdateItem"] = 2, ["GetItem"] = 1 });
        var raw = await RawAsync(server.Client, _table, served);
        raw[SessionItem.ExpiresAt].S.Should().Be(SessionTimestamp.Format(expiresAt), "Touch stores the ExpiresAt it judged in the stored form");
        raw[SessionItem.RequestCount].N.Should().Be("1");
        raw[DeviceId].S.Should().Be("dev-" + served[..4], "Touch keeps attributes it does not know");

        _wire.Reset();
        await _store.TouchAsync(served);
        _wire.Total.Should().Be(1, "once in the stored form, Touch is one request again");

        // At its true expiry it is refused, whatever its form: not one tick late, not early.
        _time.SetUtcNow(expiresAt);
        _wire.Reset();
        (await FluentActions.Awaiting(() => _store.TouchAsync(served)).Should().ThrowAsync<SessionExpiredException>()).Which.ExpiresAt.Should().Be(expiresAt);
        _wire.Snapshot().Should().BeEquivalentTo(read == 0 ? new Dictionary<string, int> { ["UpdateItem"] = 1 } : new Dictionary<string, int> { ["UpdateItem"] = 1, ["GetItem"] = 1 });
        (await FluentActions.Awaiting(() => _store.TouchAsync(refused)).Should().ThrowAsync<SessionExpiredException>()).Which.ExpiresAt.Should().Be(expiresAt);
        (await RawAsync(server.Client, _table, refused))[SessionItem.ExpiresAt].S.Should().Be(stored, "a refused Touch writes nothing");
        _time.SetUtcNow(expiresAt.AddHours(13));
        await FluentActions.Awaiting(() => _store.TouchAsync(refused)).Should().ThrowAsync<SessionExpiredException>();
    }

    [Fact]
    public async Task A_Go_written_active_session_reads_with_empty_strings_as_absent_and_can_be_updated_touched_and_revoked_keeping_unknown_attributes()
    {
        var id = await PutGoItemAsync(expiresAt: "2031-03-10T04:00:00+02:00", updatedAt: "2031-03-10T02:00:00.5+01:00");

        var session = await _store.GetAsync(id);
        session.RevokedBy.Should().BeNull();
        session.RevokedReason.Should().BeNull();
        session.SourceIdentity.Should().BeEmpty();
        session.Version.Should().Be(0);

        var updated = await _store.UpdateAsync(session with { SourceIdentity = "role/reader", ExpiresAt = s_expiry.AddMinutes(30) });
        updated.Version.Should().Be(1);
        updated.SourceIdentity.Should().Be("role/reader");
        await _store.TouchAsync(id);
        var revoked = await _store.RevokeAsync(id, "ops", "moved over");
        revoked.Status.Should().Be(SessionStatus.Revoked);
        revoked.Version.Should().Be(2);
        revoked.RequestCount.Should().Be(1);

        var raw = await RawAsync(server.Client, _table, id);
        raw[DeviceId].S.Should().Be("dev-" + id[..4]);
        raw[SessionItem.RevokedBy].S.Should().Be("ops");
        await FluentActions.Awaiting(() => _store.TouchAsync(id)).Should().ThrowAsync<SessionRevokedException>();

        var other = await PutGoItemAsync(expiresAt: "2031-03-10T02:00:00Z");
        (await _store.ExpireAsync(other)).Status.Should().Be(SessionStatus.Expired);
        (await RawAsync(server.Client, _table, other))[DeviceId].S.Should().Be("dev-" + other[..4]);
    }

    [Fact]
    public async Task Update_judges_the_stored_StartedAt_and_ExpiresAt_of_a_Go_written_item_by_their_true_instants()
    {
        // started_at 10:00Z written as 12:00+02:00: as strings it sorts after an ExpiresAt of 10:30Z.
        var start = new DateTimeOffset(2031, 3, 10, 10, 0, 0, TimeSpan.Zero);
        _time.SetUtcNow(start.AddMinutes(5));
        var id = await PutGoItemAsync(startedAt: "2031-03-10T12:00:00+02:00", expiresAt: "2031-03-10T13:00:00+02:00");
        var session = await _store.GetAsync(id);
        var read = _returnsOldItem ? 0 : 1;

        _wire.Reset();
        var updated = await _store.UpdateAsync(session with { ExpiresAt = start.AddMinutes(30) });
        updated.ExpiresAt.Should().Be(start.AddMinutes(30));
        _wire.Snapshot().Should().BeEquivalentTo(read == 0 ? new Dictionary<string, int> { ["UpdateItem"] = 2 } : new Dictionary<string, int> { ["UpdateItem"] = 2, ["GetItem"] = 1 });

        _wire.Reset();
        (await _store.UpdateAsync(updated with { SourceIdentity = "x" })).Version.Should().Be(2);
        _wire.Total.Should().Be(2 + read, "the stored ExpiresAt is now in the stored form, the StartedAt of the Go tool is not");

        var early = await PutGoItemAsync(startedAt: "2031-03-10T12:00:00+02:00", expiresAt: "2031-03-10T13:00:00+02:00");
        await FluentActions.Awaiting(() => _store.UpdateAsync(session with { Id = early, ExpiresAt = start.AddTicks(-1) }))
            .Should().ThrowAsync<ArgumentException>().WithParameterName("session.ExpiresAt");

        // expires_at 11:00Z written as 13:00+02:00: as a string it is still ahead of 11:30Z, by its instant it has passed.
        _time.SetUtcNow(start.AddMinutes(90));
        var before = await RawAsync(server.Client, _table, early);
        (await FluentActions.Awaiting(() => _store.UpdateAsync(session with { Id = early, ExpiresAt = start.AddHours(5) })).Should().ThrowAsync<SessionExpiredException>())
            .Which.ExpiresAt.Should().Be(start.AddHours(1));
        (await RawAsync(server.Client, _table, early)).Should().BeEquivalentTo(before);
        await FluentActions.Awaiting(() => _store.TouchAsync(early)).Should().ThrowAsync<SessionExpiredException>();
    }

    public static TheoryData<string, string> MalformedVersions => new()
    {
        { "NULL", "Revoke" },
        { "NULL", "Expire" },
        { "string", "Revoke" },
        { "string", "Expire" },
    };

    [Theory]
    [MemberData(nameof(MalformedVersions))]
    public async Task An_item_whose_version_is_not_a_number_never_serves_and_can_still_be_ended(string version, string end)
    {
        var id = await PutGoItemAsync(expiresAt: "2031-03-10T02:00:00.0000000Z", version: version == "NULL" ? new() { NULL = true } : SessionItem.S("3"));

        (await FluentActions.Awaiting(() => _store.TouchAsync(id)).Should().ThrowAsync<SessionCorruptException>("Touch fails closed"))
            .Which.AttributeName.Should().Be(SessionItem.Version);
        await FluentActions.Awaiting(() => _store.GetAsync(id)).Should().ThrowAsync<SessionCorruptException>();

        var ended = end == "Revoke" ? await _store.RevokeAsync(id, "ops", "broken version") : await _store.ExpireAsync(id);

        ended.Status.Should().Be(end == "Revoke" ? SessionStatus.Revoked : SessionStatus.Expired);
        ended.Version.Should().Be(1);
        (await RawAsync(server.Client, _table, id))[DeviceId].S.Should().Be("dev-" + id[..4]);
        await FluentActions.Awaiting(() => _store.TouchAsync(id)).Should().ThrowAsync<SessionNotActiveException>();
        if (end == "Revoke")
        {
            (await _store.RevokeAsync(id, "ops", "broken version")).Should().Be(ended, "a repeated Revoke returns the stored copy");
        }
    }

    [Fact]
    public async Task Touch_of_an_item_whose_request_count_is_a_string_fails_closed_naming_it_not_as_a_provider_fault()
    {
        var item = Active(SessionId.New(), User(), Profile(), Instance(), "2031-03-10T01:00:00Z", "2031-03-10T02:00:00Z");
        item[SessionItem.RequestCount] = SessionItem.S("7");
        await PutAsync(server.Client, _table, item);
        var id = item[SessionItem.Id].S;

        var error = (await FluentActions.Awaiting(() => _store.TouchAsync(id)).Should().ThrowAsync<SessionCorruptException>()).Which;

        error.AttributeName.Should().Be(SessionItem.RequestCount);
        error.SessionId.Should().Be(id);
        error.TableName.Should().Be(_table);
        // Revocation is not blocked by the damage: it is applied, and the answer says the item is corrupt.
        (await FluentActions.Awaiting(() => _store.RevokeAsync(id, "ops", "corrupt counter")).Should().ThrowAsync<SessionCorruptException>())
            .Which.Message.Should().Contain("The Revoke was applied");
        (await RawAsync(server.Client, _table, id))[SessionItem.Status].S.Should().Be("revoked");
        await FluentActions.Awaiting(() => _store.TouchAsync(id)).Should().ThrowAsync<SessionStoreException>();
    }

    private string User() => "go-user-" + _tag;

    private string Profile() => "go-profile-" + _tag;

    private string Instance() => "go-instance-" + _tag;

    private async Task<string> PutGoItemAsync(string expiresAt, string startedAt = "2031-03-10T01:00:00Z", string? updatedAt = null, Amazon.DynamoDBv2.Model.AttributeValue? version = null)
    {
        var id = SessionId.New();
        var item = Active(id, User(), Profile(), Instance(), startedAt, expiresAt, updatedAt: updatedAt);
        if (version is not null)
        {
            item[SessionItem.Version] = version;
        }

        await PutAsync(server.Client, _table, item);
        return id;
    }
}

/// <summary><see cref="GoWrittenItemTests"/> on dynalite.</summary>
public sealed class GoWrittenItemTestsOnDynalite(DynaliteFixture server) : GoWrittenItemTests(server), IClassFixture<DynaliteFixture>;

public sealed class GoWrittenItemTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : GoWrittenItemTests(server), IClassFixture<DynamoDbLocalFixture>;
