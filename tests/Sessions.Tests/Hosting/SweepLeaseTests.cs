using Sessions.Hosting.Leases;

namespace Sessions.Tests.Hosting;

/// <summary>The lease contract, the same on both implementations: exclusive tenures, fences that only grow.</summary>
public abstract class SweepLeaseTests
{
    private static readonly DateTimeOffset T0 = new(2035, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(2);

    internal abstract Task<ISweepLease> NewLeaseAsync();

    [Fact]
    public async Task The_first_take_holds_the_lease_with_fence_1()
    {
        var lease = await NewLeaseAsync();

        var taken = await lease.TryTakeAsync("a", Duration, T0, default);

        taken.Should().Be(new SweepLease("a", 1, T0 + Duration));
    }

    [Fact]
    public async Task A_take_while_another_holds_the_lease_returns_the_holder_and_changes_nothing()
    {
        var lease = await NewLeaseAsync();
        var a = await lease.TryTakeAsync("a", Duration, T0, default);

        var seenByB = await lease.TryTakeAsync("b", Duration, T0 + TimeSpan.FromSeconds(119), default);

        seenByB.Should().Be(a);
        (await lease.TryRenewAsync(a, Duration, T0 + TimeSpan.FromSeconds(119), default)).Should().NotBeNull("a still holds it");
    }

    [Fact]
    public async Task A_take_once_the_lease_lapsed_starts_a_new_tenure_with_a_larger_fence()
    {
        var lease = await NewLeaseAsync();
        var a = await lease.TryTakeAsync("a", Duration, T0, default);

        var b = await lease.TryTakeAsync("b", Duration, a.ExpiresAt, default);

        b.Should().Be(new SweepLease("b", 2, a.ExpiresAt + Duration));
        (await lease.TryRenewAsync(a, Duration, a.ExpiresAt, default)).Should().BeNull("a's tenure ended");
    }

    [Fact]
    public async Task A_take_by_the_holder_extends_its_tenure_under_the_same_fence()
    {
        var lease = await NewLeaseAsync();
        await lease.TryTakeAsync("a", Duration, T0, default);

        var again = await lease.TryTakeAsync("a", Duration, T0 + TimeSpan.FromMinutes(1), default);

        again.Should().Be(new SweepLease("a", 1, T0 + TimeSpan.FromMinutes(3)));
    }

    [Fact]
    public async Task A_renewal_after_the_lease_lapsed_fails_even_if_nobody_took_it()
    {
        var lease = await NewLeaseAsync();
        var a = await lease.TryTakeAsync("a", Duration, T0, default);

        (await lease.TryRenewAsync(a, Duration, a.ExpiresAt, default)).Should().BeNull();
        (await lease.TryTakeAsync("a", Duration, a.ExpiresAt, default)).Fence.Should().Be(2, "taking it again is a new tenure");
    }

    [Fact]
    public async Task A_renewal_extends_the_current_tenure()
    {
        var lease = await NewLeaseAsync();
        var a = await lease.TryTakeAsync("a", Duration, T0, default);

        var renewed = await lease.TryRenewAsync(a, Duration, T0 + TimeSpan.FromMinutes(1), default);

        renewed.Should().Be(new SweepLease("a", 1, T0 + TimeSpan.FromMinutes(3)));
        (await lease.TryTakeAsync("b", Duration, T0 + TimeSpan.FromSeconds(150), default)).Owner.Should().Be("a");
    }

    [Fact]
    public async Task A_release_lets_another_take_the_lease_at_once_with_a_larger_fence()
    {
        var lease = await NewLeaseAsync();
        var a = await lease.TryTakeAsync("a", Duration, T0, default);

        await lease.ReleaseAsync(a, T0 + TimeSpan.FromSeconds(10), default);
        var b = await lease.TryTakeAsync("b", Duration, T0 + TimeSpan.FromSeconds(10), default);

        b.Should().Be(new SweepLease("b", 2, T0 + TimeSpan.FromSeconds(10) + Duration));
    }

    [Fact]
    public async Task A_release_by_an_ended_tenure_changes_nothing()
    {
        var lease = await NewLeaseAsync();
        var a = await lease.TryTakeAsync("a", Duration, T0, default);
        var b = await lease.TryTakeAsync("b", Duration, a.ExpiresAt, default);

        await lease.ReleaseAsync(a, a.ExpiresAt + TimeSpan.FromSeconds(1), default);

        (await lease.TryTakeAsync("c", Duration, a.ExpiresAt + TimeSpan.FromSeconds(1), default)).Should().Be(b);
    }

    [Fact]
    public async Task Of_many_instances_taking_a_free_lease_at_once_exactly_one_gets_it()
    {
        var lease = await NewLeaseAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => lease.TryTakeAsync("host-" + i, Duration, T0, default))));

        results.Select(r => r.Owner).Distinct().Should().ContainSingle();
        results.Should().OnlyContain(r => r.Fence == 1);
    }
}

public sealed class InMemorySweepLeaseTests : SweepLeaseTests
{
    internal override Task<ISweepLease> NewLeaseAsync() => Task.FromResult<ISweepLease>(InMemorySweepLease.For(new InMemorySessionStore()));

    [Fact]
    public void Each_store_has_one_lease()
    {
        var store = new InMemorySessionStore();

        InMemorySweepLease.For(store).Should().BeSameAs(InMemorySweepLease.For(store)).And.NotBeSameAs(InMemorySweepLease.For(new InMemorySessionStore()));
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
        await new DynamoDbSweepLease(server.Client, table).TryTakeAsync("a", TimeSpan.FromMinutes(2), now, default);

        var item = (await server.Client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { ["id"] = new AttributeValue { S = DynamoDbSweepLease.Key } },
            ConsistentRead = true,
        })).Item;
        item.Keys.Should().BeEquivalentTo("id", "lease_owner", "lease_fence", "lease_expires_at");
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
}

public sealed class DynamoDbSweepLeaseTestsOnDynalite(DynaliteFixture server) : DynamoDbSweepLeaseTests(server), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbSweepLeaseTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : DynamoDbSweepLeaseTests(server), IClassFixture<DynamoDbLocalFixture>;
