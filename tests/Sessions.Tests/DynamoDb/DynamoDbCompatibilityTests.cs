namespace Sessions.Tests.DynamoDb;

/// <summary>
/// Items written by earlier tools in the established layout — no <c>version</c>, Go-style timestamps with trimmed
/// fractions — on a table whose indexes project ALL attributes: read, listed, touched, updated and revoked correctly.
/// </summary>
public abstract class DynamoDbCompatibilityTests(DynamoDbServerFixture server)
    : NewTableTests(server, new DateTimeOffset(2046, 1, 20, 2, 0, 0, TimeSpan.Zero), allProjected: true)
{
    private readonly string _user = "legacy-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_legacy_item_reads_as_version_0_with_its_trimmed_timestamps()
    {
        var id = await PutLegacyAsync("2046-01-20T02:19:09.5Z");

        var session = await Store.GetAsync(id);

        session.Version.Should().Be(0);
        session.User.Should().Be(_user);
        session.CreatedAt.Should().Be(new DateTimeOffset(2046, 1, 20, 2, 19, 9, 500, TimeSpan.Zero));
        session.StartedAt.Should().Be(new DateTimeOffset(2046, 1, 20, 2, 19, 9, TimeSpan.Zero));
        session.ExpiresAt.Should().Be(new DateTimeOffset(2046, 1, 21, 2, 19, 9, 123, TimeSpan.Zero).AddTicks(4567));
        session.RequestCount.Should().Be(7);
        session.Status.Should().Be(SessionStatus.Active);
    }

    [Fact]
    public async Task Legacy_items_are_listed_newest_first_on_indexes_that_project_ALL()
    {
        var older = await PutLegacyAsync("2046-01-20T02:19:09.5Z");
        var newer = await PutLegacyAsync("2046-01-20T02:20:00.25Z");

        var page = await Store.ListByUserAsync(_user);
        var active = await Store.FindActiveByServerInstanceAsync("legacy-host-" + _user);

        page.Items.Select(s => s.Id).Should().Equal(newer, older);
        active!.Id.Should().Be(newer);
    }

    [Fact]
    public async Task A_legacy_item_is_touched_without_gaining_a_version()
    {
        var id = await PutLegacyAsync("2046-01-20T02:19:09.5Z");

        await Store.TouchAsync(id);

        var session = await Store.GetAsync(id);
        session.RequestCount.Should().Be(8);
        session.LastAccessAt.Should().Be(Time.GetUtcNow());
        session.Version.Should().Be(0);
    }

    [Fact]
    public async Task A_legacy_item_is_updated_from_version_0_once_and_then_conflicts()
    {
        var id = await PutLegacyAsync("2046-01-20T02:19:09.5Z");
        var read = await Store.GetAsync(id);

        var updated = await Store.UpdateAsync(read with { ExpiresAt = read.ExpiresAt.AddHours(1) });

        updated.Version.Should().Be(1);
        updated.ExpiresAt.Should().Be(read.ExpiresAt.AddHours(1));
        updated.RequestCount.Should().Be(7);
        await FluentActions.Awaiting(() => Store.UpdateAsync(read with { SourceIdentity = "late" })).Should().ThrowAsync<SessionConcurrencyException>();
    }

    [Fact]
    public async Task A_legacy_item_is_revoked_and_gets_version_1()
    {
        var id = await PutLegacyAsync("2046-01-20T02:19:09.5Z");

        var revoked = await Store.RevokeAsync(id, "ops", "migration");

        revoked.Status.Should().Be(SessionStatus.Revoked);
        revoked.Version.Should().Be(1);
        (await Store.ListByStatusAsync(SessionStatus.Revoked)).Items.Should().Contain(s => s.Id == id);
        await FluentActions.Awaiting(() => Store.TouchAsync(id)).Should().ThrowAsync<SessionRevokedException>();
    }

    /// <summary>Writes an item as an earlier tool did: no version, no ttl, RFC3339Nano timestamps.</summary>
    private async Task<string> PutLegacyAsync(string createdAt)
    {
        var id = SessionId.New();
        await Server.Client.PutItemAsync(new PutItemRequest
        {
            TableName = Table,
            Item = new Dictionary<string, AttributeValue>
            {
                ["id"] = new() { S = id },
                ["user"] = new() { S = _user },
                ["profile"] = new() { S = "legacy-profile" },
                ["server_instance_id"] = new() { S = "legacy-host-" + _user },
                ["status"] = new() { S = "active" },
                ["started_at"] = new() { S = "2046-01-20T02:19:09Z" },
                ["last_access_at"] = new() { S = "2046-01-20T02:19:09Z" },
                ["expires_at"] = new() { S = "2046-01-21T02:19:09.123456789Z" },
                ["request_count"] = new() { N = "7" },
                ["source_identity"] = new() { S = "legacy-svc" },
                ["created_at"] = new() { S = createdAt },
                ["updated_at"] = new() { S = createdAt },
            },
        });
        return id;
    }
}

public sealed class DynamoDbCompatibilityTestsOnDynalite(DynaliteFixture server) : DynamoDbCompatibilityTests(server), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbCompatibilityTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : DynamoDbCompatibilityTests(server), IClassFixture<DynamoDbLocalFixture>;
