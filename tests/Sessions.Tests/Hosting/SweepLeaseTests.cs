using Sessions.TestSupport.Clocks;
using Sessions.Hosting.Leases;

namespace Sessions.Tests.Hosting;

/// <summary>
/// The lease contract, the same on both implementations: a take holds only on the record as it was seen, every write
/// changes the record version, fences only grow, and no step reads a clock from the record.
/// </summary>
public abstract class SweepLeaseTests
{
    protected static readonly DateTimeOffset Wall = new(2035, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(2);

    internal abstract Task<ISweepLease> NewLeaseAsync();

    [Fact]
    public async Task A_new_lease_has_no_record_and_the_first_take_holds_it_with_fence_1()
    {
        var lease = await NewLeaseAsync();

        (await lease.ReadAsync(default)).Should().BeNull();
        var grant = await lease.TryTakeAsync("a", Duration, seen: null, Wall, default);

        grant!.Fence.Should().Be(1);
        var record = await lease.ReadAsync(default);
        record.Should().BeEquivalentTo(new { Owner = "a", Fence = 1L, grant.Version, Duration = (TimeSpan?)Duration, IsFree = false, Problem = (string?)null });
    }

    [Fact]
    public async Task A_take_on_a_record_that_changed_since_it_was_seen_fails_and_changes_nothing()
    {
        var lease = await NewLeaseAsync();
        await lease.TryTakeAsync("a", Duration, seen: null, Wall, default);
        var seenByB = await lease.ReadAsync(default);
        var held = Held(seenByB!);
        var renewed = await lease.TryRenewAsync(held, Duration, Wall, default);

        (await lease.TryTakeAsync("b", Duration, seenByB, Wall, default)).Should().BeNull("a renewed its tenure after b looked");
        (await lease.TryTakeAsync("c", Duration, seen: null, Wall, default)).Should().BeNull("there is a record");
        (await lease.ReadAsync(default)).Should().Match<LeaseRecord>(r => r.Owner == "a" && r.Fence == 1 && r.Version == renewed);
    }

    [Fact]
    public async Task A_take_of_a_record_as_seen_starts_a_new_tenure_with_a_larger_fence_and_ends_the_old_one()
    {
        var lease = await NewLeaseAsync();
        await lease.TryTakeAsync("a", Duration, seen: null, Wall, default);
        var seen = await lease.ReadAsync(default);

        var grant = await lease.TryTakeAsync("b", Duration, seen, Wall, default);

        grant!.Fence.Should().Be(2);
        grant.Version.Should().NotBe(seen!.Version);
        (await lease.TryRenewAsync(Held(seen), Duration, Wall, default)).Should().BeNull("a's tenure ended");
        (await lease.ReadAsync(default))!.Owner.Should().Be("b");
    }

    [Fact]
    public async Task A_renewal_writes_a_new_version_so_that_waiters_see_the_holder_alive()
    {
        var lease = await NewLeaseAsync();
        var grant = await lease.TryTakeAsync("a", Duration, seen: null, Wall, default);
        var held = new SweepLease("a", grant!.Fence, grant.Version, HeldUntil: 0);

        var first = await lease.TryRenewAsync(held, Duration, Wall, default);
        var second = await lease.TryRenewAsync(held with { Version = first! }, Duration, Wall, default);

        new[] { grant.Version, first, second }.Should().OnlyHaveUniqueItems();
        (await lease.ReadAsync(default)).Should().Match<LeaseRecord>(r => r.Owner == "a" && r.Fence == 1 && r.Version == second);
        (await lease.TryRenewAsync(held, Duration, Wall, default)).Should().BeNull("a renewal holds only on the version it last wrote");
    }

    [Fact]
    public async Task A_release_frees_the_lease_keeping_the_fence_and_the_next_take_gets_a_larger_one()
    {
        var lease = await NewLeaseAsync();
        var grant = await lease.TryTakeAsync("a", Duration, seen: null, Wall, default);

        await lease.ReleaseAsync(new SweepLease("a", grant!.Fence, grant.Version, 0), Wall, default);
        var free = await lease.ReadAsync(default);

        free.Should().Match<LeaseRecord>(r => r.IsFree && r.Owner == null && r.Fence == 1 && r.Version != grant.Version);
        (await lease.TryTakeAsync("b", Duration, free, Wall, default))!.Fence.Should().Be(2);
    }

    [Fact]
    public async Task A_release_by_an_ended_tenure_changes_nothing()
    {
        var lease = await NewLeaseAsync();
        var a = await lease.TryTakeAsync("a", Duration, seen: null, Wall, default);
        var b = await lease.TryTakeAsync("b", Duration, await lease.ReadAsync(default), Wall, default);

        await lease.ReleaseAsync(new SweepLease("a", a!.Fence, a.Version, 0), Wall, default);

        (await lease.ReadAsync(default)).Should().Match<LeaseRecord>(r => r.Owner == "b" && r.Fence == b!.Fence && r.Version == b.Version);
    }

    [Fact]
    public async Task Of_many_instances_taking_the_same_record_at_once_exactly_one_gets_it()
    {
        var lease = await NewLeaseAsync();
        await lease.TryTakeAsync("first", Duration, seen: null, Wall, default);
        var seen = await lease.ReadAsync(default);

        var grants = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => lease.TryTakeAsync("host-" + i, Duration, seen, Wall, default))));

        grants.Where(g => g is not null).Should().ContainSingle().Which!.Fence.Should().Be(2);
    }

    private static SweepLease Held(LeaseRecord record) => new(record.Owner!, record.Fence, record.Version, HeldUntil: 0);
}

public sealed class InMemorySweepLeaseTests : SweepLeaseTests
{
    internal override Task<ISweepLease> NewLeaseAsync() => Task.FromResult<ISweepLease>(InMemorySweepLease.For(new InMemorySessionStore()));

    [Fact]
    public void Each_store_has_one_lease_and_no_server_clock()
    {
        var store = new InMemorySessionStore();

        InMemorySweepLease.For(store).Should().BeSameAs(InMemorySweepLease.For(store)).And.NotBeSameAs(InMemorySweepLease.For(new InMemorySessionStore()));
        InMemorySweepLease.For(store).ServerClockOffset.Should().BeNull();
    }
}

public abstract class DynamoDbSweepLeaseTests(DynamoDbServerFixture server) : SweepLeaseTests
{
    internal override async Task<ISweepLease> NewLeaseAsync() => new DynamoDbSweepLease(server.Client, await server.CreateTableAsync());

    [Fact]
    public async Task The_lease_item_has_no_index_key_so_lists_and_gets_never_meet_it()
    {
        var table = await server.CreateTableAsync();
        var now = DateTimeOffset.UtcNow;
        var store = TestStores.DynamoDb(server.Client, table);
        var session = await store.CreateAsync(ServerSession.Start("lease-user", "lease-profile", "lease-instance", "s", TimeSpan.FromHours(1), now));
        await new DynamoDbSweepLease(server.Client, table).TryTakeAsync("a", TimeSpan.FromMinutes(2), seen: null, now, default);

        var item = await RawAsync(table);
        item.Keys.Should().BeEquivalentTo("id", "lease_owner", "lease_fence", "lease_version", "lease_duration_ms", "lease_expires_at");
        SessionId.IsValid(DynamoDbSweepLease.Key).Should().BeFalse();

        foreach (var status in new[] { SessionStatus.Active, SessionStatus.Revoked, SessionStatus.Expired })
        {
            (await store.ListByStatusAsync(status)).Items.Select(s => s.Id).Should().BeEquivalentTo(status == SessionStatus.Active ? [session.Id] : Array.Empty<string>());
        }

        (await store.ListByTimeRangeAsync(now.AddDays(-1), now.AddDays(1))).Items.Should().ContainSingle();
        (await store.ListByUserAsync("lease-user")).Items.Should().ContainSingle();
        (await store.FindActiveByServerInstanceAsync("lease-instance"))!.Id.Should().Be(session.Id);
        await FluentActions.Awaiting(() => store.GetAsync(DynamoDbSweepLease.Key)).Should().ThrowAsync<ArgumentException>();
    }

    private static readonly Dictionary<string, Dictionary<string, AttributeValue>> s_malformed = new()
    {
        ["a string fence and no expiry"] = new() { ["lease_owner"] = new() { S = "old" }, ["lease_fence"] = new() { S = "7" } },
        ["a NULL owner"] = new() { ["lease_owner"] = new() { NULL = true }, ["lease_fence"] = new() { N = "3" }, ["lease_version"] = new() { S = "v" } },
        ["a fence that is no number"] = new() { ["lease_owner"] = new() { S = "old" }, ["lease_fence"] = new() { S = "seven" }, ["lease_version"] = new() { N = "12" } },
        ["a negative duration"] = new() { ["lease_owner"] = new() { S = "old" }, ["lease_fence"] = new() { N = "2" }, ["lease_version"] = new() { S = "v" }, ["lease_duration_ms"] = new() { N = "-5" } },
        ["the previous layout"] = new() { ["lease_owner"] = new() { S = "old" }, ["lease_fence"] = new() { N = "4" }, ["lease_expires_at"] = new() { N = "1900000000000" } },
    };

    public static TheoryData<string> MalformedItems => [.. s_malformed.Keys];

    [Theory]
    [MemberData(nameof(MalformedItems))]
    public async Task A_malformed_or_older_lease_item_is_read_leniently_and_taken_over_on_condition_that_it_did_not_change(string why)
    {
        var table = await server.CreateTableAsync();
        var item = new Dictionary<string, AttributeValue>(s_malformed[why]) { ["id"] = new() { S = DynamoDbSweepLease.Key } };
        await server.Client.PutItemAsync(new PutItemRequest { TableName = table, Item = item });
        var lease = new DynamoDbSweepLease(server.Client, table);

        var seen = await lease.ReadAsync(default);
        var again = await lease.ReadAsync(default);

        seen!.Owner.Should().NotBeNull(why);
        seen.Version.Should().Be(again!.Version, "an unchanged item keeps its version, so a waiter can see it stand still");
        var grant = await lease.TryTakeAsync("new", TimeSpan.FromMinutes(2), seen, DateTimeOffset.UtcNow, default);
        grant!.Fence.Should().Be(seen.Fence + 1, why);
        (await lease.ReadAsync(default)).Should().Match<LeaseRecord>(r => r.Owner == "new" && r.Problem == null);
    }

    [Fact]
    public async Task A_change_to_a_malformed_item_changes_its_version_so_a_take_on_the_old_sighting_fails()
    {
        var table = await server.CreateTableAsync();
        var key = new Dictionary<string, AttributeValue> { ["id"] = new() { S = DynamoDbSweepLease.Key } };
        await server.Client.PutItemAsync(new PutItemRequest { TableName = table, Item = new(key) { ["lease_owner"] = new() { S = "old" }, ["lease_fence"] = new() { S = "1" } } });
        var lease = new DynamoDbSweepLease(server.Client, table);
        var seen = await lease.ReadAsync(default);

        await server.Client.PutItemAsync(new PutItemRequest { TableName = table, Item = new(key) { ["lease_owner"] = new() { S = "old" }, ["lease_fence"] = new() { S = "2" } } });

        (await lease.ReadAsync(default))!.Version.Should().NotBe(seen!.Version);
        (await lease.TryTakeAsync("new", TimeSpan.FromMinutes(2), seen, DateTimeOffset.UtcNow, default)).Should().BeNull();
    }

    [Fact]
    public async Task The_server_clock_is_read_off_the_Date_header_of_its_answers()
    {
        var table = await server.CreateTableAsync();
        var serverTime = new FakeTimeProvider(new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var hostTime = new FakeTimeProvider(serverTime.GetUtcNow() - TimeSpan.FromHours(25));
        var lease = new DynamoDbSweepLease(server.CreateClient(new ServerClockHandler(serverTime)), table, hostTime);

        lease.ServerClockOffset.Should().BeNull("nothing was asked yet");
        await lease.ReadAsync(default);

        lease.ServerClockOffset.Should().Be(TimeSpan.FromHours(25));
        hostTime.Advance(TimeSpan.FromHours(50));
        await lease.TryTakeAsync("a", TimeSpan.FromMinutes(2), seen: null, hostTime.GetUtcNow(), default);
        lease.ServerClockOffset.Should().Be(TimeSpan.FromHours(-25), "each answer measures again");
    }

    [Fact]
    public async Task A_provider_fault_is_a_SessionStoreException_naming_the_table_with_the_cause_inside()
    {
        var table = await server.CreateTableAsync();
        var lease = new DynamoDbSweepLease(server.CreateClient(new FaultInjectingHandler(_ => FaultInjectingHandler.Error(System.Net.HttpStatusCode.BadRequest, "AccessDeniedException", "no"))), table);

        var error = (await FluentActions.Awaiting(() => lease.ReadAsync(default)).Should().ThrowAsync<SessionStoreException>()).Which;

        error.TableName.Should().Be(table);
        error.InnerException.Should().BeAssignableTo<AmazonDynamoDBException>();
    }

    [Fact]
    public async Task A_replicated_write_conflict_on_a_lease_write_is_sent_again_and_the_take_holds_once_it_clears()
    {
        var table = await server.CreateTableAsync();
        var faults = new ScriptedFaultHandler(attempt => attempt.Operation == "UpdateItem" && attempt.Attempt < DynamoDbSweepLease.MaxConflictAttempts
            ? WireFault.ReplicatedWriteConflict
            : WireFault.None);
        var clock = new SkippingClock(new FakeTimeProvider(Wall));
        using var client = RetryingClient.Create(server, RetryingClient.Chain(faults), maxErrorRetry: 0);
        var lease = new DynamoDbSweepLease(client, table, clock);

        var grant = await lease.TryTakeAsync("a", TimeSpan.FromMinutes(2), seen: null, Wall, default);

        grant!.Fence.Should().Be(1);
        (await lease.ReadAsync(default)).Should().Match<LeaseRecord>(r => r.Owner == "a" && r.Version == grant.Version);
        faults.Attempts.Where(a => a.Operation == "UpdateItem").Select(a => a.Attempt).Should().Equal(Enumerable.Range(1, DynamoDbSweepLease.MaxConflictAttempts));
        clock.Waits.Should().HaveCount(DynamoDbSweepLease.MaxConflictAttempts - 1, "each resend waits a backoff on the sweeper's clock");
    }

    [Fact]
    public async Task A_replicated_write_conflict_that_does_not_clear_is_a_SessionWriteConflictException_after_the_bounded_attempts()
    {
        var table = await server.CreateTableAsync();
        var faults = new ScriptedFaultHandler(attempt => attempt.Operation == "UpdateItem" ? WireFault.ReplicatedWriteConflict : WireFault.None);
        using var client = RetryingClient.Create(server, RetryingClient.Chain(faults), maxErrorRetry: 0);
        var lease = new DynamoDbSweepLease(client, table, new SkippingClock(new FakeTimeProvider(Wall)));

        var error = (await FluentActions.Awaiting(() => lease.TryTakeAsync("a", TimeSpan.FromMinutes(2), seen: null, Wall, default))
            .Should().ThrowAsync<SessionWriteConflictException>()).Which;

        error.TableName.Should().Be(table);
        error.Operation.Should().Be("TakeSweeperLease");
        error.InnerException.Should().BeOfType<ReplicatedWriteConflictException>();
        faults.Attempts.Where(a => a.Operation == "UpdateItem").Should().HaveCount(DynamoDbSweepLease.MaxConflictAttempts);
        (await lease.ReadAsync(default)).Should().BeNull("no attempt was applied");
    }

    [Fact]
    public async Task On_a_global_table_with_home_Regions_each_Regions_sweepers_share_a_lease_item_of_their_own()
    {
        var table = await server.CreateTableAsync();
        var inEurope = new DynamoDbSweepLease(server.Client, table, timeProvider: null, region: "eu-west-1");
        var inVirginia = new DynamoDbSweepLease(server.Client, table, timeProvider: null, region: "us-east-1");

        (await inEurope.TryTakeAsync("a", TimeSpan.FromMinutes(2), seen: null, Wall, default)).Should().NotBeNull();
        (await inVirginia.TryTakeAsync("b", TimeSpan.FromMinutes(2), seen: null, Wall, default)).Should().NotBeNull("a Region's lease is written only in its own replica, never raced from another");

        (await RawAsync(table, DynamoDbSweepLease.Key + "@eu-west-1"))["lease_owner"].S.Should().Be("a");
        (await RawAsync(table, DynamoDbSweepLease.Key + "@us-east-1"))["lease_owner"].S.Should().Be("b");
        (await RawAsync(table)).Should().BeNullOrEmpty("the lease of a table of one Region is not taken");
    }

    private async Task<Dictionary<string, AttributeValue>> RawAsync(string table, string key = DynamoDbSweepLease.Key) => (await server.Client.GetItemAsync(new GetItemRequest
    {
        TableName = table,
        Key = new() { ["id"] = new AttributeValue { S = key } },
        ConsistentRead = true,
    })).Item;
}

public sealed class DynamoDbSweepLeaseTestsOnDynalite(DynaliteFixture server) : DynamoDbSweepLeaseTests(server), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbSweepLeaseTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : DynamoDbSweepLeaseTests(server), IClassFixture<DynamoDbLocalFixture>;
