namespace Sessions.Tests.Reliability;

/// <summary>
/// A refused write is judged on what refused it, and another caller may change the session before the store writes
/// again or, where the refusal carries no old item (dynalite ignores <c>ReturnValuesOnConditionCheckFailure</c>; neither
/// server has one to return for a missing item), before the store reads it. The store answers what it then finds, as if
/// the call had been made at that moment, or writes again, with the same request, where nothing refuses the write: never
/// "already exists" for a session no longer there, a failure for a session that is Active, or a conflict naming one
/// version twice. Each race is made to happen deterministically, by a handler that changes the session (and moves the
/// clock) just before a chosen request of the store reaches the server.
/// </summary>
public abstract class FallbackReadRaceTests(DynamoDbServerFixture server) : SharedTableTests(server, new DateTimeOffset(2037, 6, 1, 0, 0, 0, TimeSpan.Zero))
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Create_refused_by_the_same_session_that_is_deleted_before_the_refusal_is_judged_creates_it()
    {
        var session = NewSession();
        var first = await Setup.CreateAsync(session);
        var counting = new CountingHandler();
        var store = StoreOn(Server.CreateClient(RetryingClient.Chain(counting, new Before("GetItem", 1, () => Setup.DeleteAsync(session.Id)))));

        var created = await store.CreateAsync(session);

        created.Should().Be(first, "the same session, Version 1, whether found or written again");
        (await Setup.GetAsync(session.Id)).Should().Be(first);
        if ((await Server.CapabilitiesAsync()).ReturnsOldItemOnConditionFailure)
        {
            counting.Snapshot().Should().Equal(new Dictionary<string, int> { ["PutItem"] = 1 }, "the refusal carried the session: it is recognised as created, in one request");
        }
        else
        {
            counting.Snapshot().Should().Equal(new Dictionary<string, int> { ["PutItem"] = 2, ["GetItem"] = 1 }, "the read found it gone, so it was put again");
        }
    }

    [Fact]
    public async Task Create_refused_by_another_session_that_is_deleted_before_the_refusal_is_judged_creates_it_or_is_refused_by_what_was_there()
    {
        var session = NewSession();
        var other = await Setup.CreateAsync(session with { User = $"mallory-{_tag}" });
        var store = StoreOn(Server.CreateClient(new Before("GetItem", 1, () => Setup.DeleteAsync(session.Id))));

        if ((await Server.CapabilitiesAsync()).ReturnsOldItemOnConditionFailure)
        {
            await store.Invoking(s => s.CreateAsync(session)).Should().ThrowAsync<SessionAlreadyExistsException>("the refusal named the session that was there");
            (await Setup.GetAsync(session.Id)).Should().Be(other);
        }
        else
        {
            (await store.CreateAsync(session)).Should().Be(session with { Version = 1 }, "after the other was deleted, the id was free");
            (await Setup.GetAsync(session.Id)).Should().Be(session with { Version = 1 });
        }
    }

    [Fact]
    public async Task Revoke_refused_because_the_session_was_not_there_yet_revokes_it_when_it_is_created_before_the_refusal_is_judged()
    {
        var session = NewSession();
        var counting = new CountingHandler();
        var made = Time.GetUtcNow();
        var store = StoreOn(Server.CreateClient(RetryingClient.Chain(counting, new Before("GetItem", 1, () =>
        {
            Time.Advance(TimeSpan.FromSeconds(3));
            return Setup.CreateAsync(session);
        }))));

        var revoked = await store.RevokeAsync(session.Id, "ops", "leak");

        revoked.Should().Be(
            session.Revoke("ops", "leak", made) with { Version = 2 }, "the read found it created, Active, so it was revoked, at the instant the call was made");
        (await Setup.GetAsync(session.Id)).Should().Be(revoked);
        counting.Snapshot().Should().Equal(
            new Dictionary<string, int> { ["UpdateItem"] = 2, ["GetItem"] = 1 }, "a refusal of a missing item carries no item on either server, so the store reads");
    }

    [Fact]
    public async Task Update_of_an_item_in_another_form_that_a_Touch_rewrites_between_its_writes_is_applied_not_called_a_conflict()
    {
        var id = SessionId.New();
        var started = Time.GetUtcNow();
        var plus2 = TimeSpan.FromHours(2);
        await GoWrittenItems.PutAsync(Server.Client, Table, GoWrittenItems.Active(
            id, $"alice-{_tag}", $"prod-{_tag}", $"i-{_tag}", GoWrittenItems.Rfc3339Nano(started, plus2), GoWrittenItems.Rfc3339Nano(started.AddHours(1), plus2)));
        var read = await Setup.GetAsync(id);
        var counting = new CountingHandler();

        // The Update's first write is refused (the timestamps are not in the stored form) and it judges them in code; before
        // its second write arrives, a Touch stores ExpiresAt in the stored form, so that write is refused too.
        var store = StoreOn(Server.CreateClient(RetryingClient.Chain(counting, new Before("UpdateItem", 2, () => Setup.TouchAsync(id)))));

        var updated = await store.UpdateAsync(read with { SourceIdentity = "svc-writer" });

        updated.SourceIdentity.Should().Be("svc-writer");
        updated.Version.Should().Be(read.Version + 1, "it was applied once, at the version it was judged on");
        var stored = await Setup.GetAsync(id);
        stored.Should().Be(updated with { RequestCount = 1, LastAccessAt = stored.LastAccessAt }, "the Touch and the Update both hold");
        counting["UpdateItem"].Should().Be(3, "refused twice by a session nothing refuses, then written");
    }

    private ServerSession NewSession()
    {
        Time.Advance(TimeSpan.FromMilliseconds(1));
        return ServerSession.Start($"alice-{_tag}", $"prod-{_tag}", $"i-{_tag}", "svc", TimeSpan.FromHours(1), Time.GetUtcNow());
    }

    /// <summary>Runs <paramref name="change"/> to its end before the <paramref name="nth"/> request of <paramref name="operation"/> goes on to the server.</summary>
    private sealed class Before(string operation, int nth, Func<Task> change) : DelegatingHandler
    {
        private int _seen;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (CountingHandler.OperationOf(request) == operation && Interlocked.Increment(ref _seen) == nth)
            {
                await change();
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}

public sealed class FallbackReadRaceTestsOnDynalite(DynaliteFixture server) : FallbackReadRaceTests(server), IClassFixture<DynaliteFixture>;

public sealed class FallbackReadRaceTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : FallbackReadRaceTests(server), IClassFixture<DynamoDbLocalFixture>;
