using System.Net;
using System.Text.Json.Nodes;
using Moq;

namespace Sessions.Tests.Reliability;

/// <summary>
/// Writes that were applied but whose answer was lost, then retried by the SDK (or by the caller): every write recognises
/// its own effect by its writer slot's number and returns it — Create its session, Update its version, Revoke and Expire
/// their transition, Touch its one count — never a conflict or a second effect; a different session or revocation is
/// still refused.
/// </summary>
public abstract class AmbiguousRetryTests(DynamoDbServerFixture server, ITestOutputHelper output)
    : SharedTableTests(server, new DateTimeOffset(2037, 2, 1, 0, 0, 0, TimeSpan.Zero))
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The requests expected on the wire: one more GetItem after a refused write on a server without ALL_OLD.</summary>
    private async Task<string[]> WithFallbackReadAsync(params string[] requests) =>
        (await Server.CapabilitiesAsync()).ReturnsOldItemOnConditionFailure ? requests : [.. requests, "GetItem"];

    [Fact]
    public async Task Create_applied_but_answer_lost_is_retried_by_the_SDK_and_returns_the_session_it_wrote()
    {
        var session = NewSession();
        var faults = new ScriptedFaultHandler(LoseFirst("PutItem"));

        var created = await StoreWithSdkRetries(faults).CreateAsync(session);

        created.Should().Be(session with { Version = 1 });
        (await Setup.GetAsync(session.Id)).Should().Be(created);
        Requests(faults).Should().Equal(await WithFallbackReadAsync("PutItem", "PutItem"));
        Report("Create", faults);
    }

    [Fact]
    public async Task Create_applied_but_answer_lost_is_recognised_from_the_old_item_DynamoDB_returns_without_a_read()
    {
        var session = NewSession();
        var faults = new ScriptedFaultHandler(LoseFirst("PutItem"));
        var putItems = 0;
        var allOld = new FaultInjectingHandler(request =>
        {
            if (CountingHandler.OperationOf(request) != "PutItem" || Interlocked.Increment(ref putItems) == 1)
            {
                return null;
            }

            // What DynamoDB answers the retry: the condition failed, and here is the item it found (ALL_OLD).
            var item = JsonNode.Parse(faults.Attempts[0].Body)!["Item"]!.ToJsonString();
            return FaultInjectingHandler.Json(HttpStatusCode.BadRequest, $$"""{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed","Item":{{item}}}""");
        });
        faults.InnerHandler = allOld;

        var created = await StoreWithSdkRetries(faults).CreateAsync(session);

        created.Should().Be(session with { Version = 1 });
        Requests(faults).Should().Equal("PutItem", "PutItem");
        Report("Create", faults);
    }

    [Fact]
    public async Task Create_retried_onto_a_different_session_with_the_same_id_throws_SessionAlreadyExistsException()
    {
        var session = NewSession();
        var impostor = await Setup.CreateAsync(NewSession("mallory") with { Id = session.Id });
        var faults = new ScriptedFaultHandler(attempt => attempt is { Operation: "PutItem", Attempt: 1 } ? WireFault.InternalServerError : WireFault.None);

        var act = () => StoreWithSdkRetries(faults).CreateAsync(session);

        (await act.Should().ThrowAsync<SessionAlreadyExistsException>()).Which.SessionId.Should().Be(session.Id);
        (await Setup.GetAsync(session.Id)).Should().Be(impostor);
        Requests(faults).Should().Equal(await WithFallbackReadAsync("PutItem", "PutItem"));
        Report("Create", faults);
    }

    [Fact]
    public async Task Create_retried_by_the_caller_after_the_SDK_gave_up_returns_the_session_the_first_call_wrote()
    {
        var session = NewSession();
        var faults = new ScriptedFaultHandler(attempt => attempt.Operation == "PutItem"
            ? attempt.Attempt == 1 ? WireFault.LoseResponse : WireFault.InternalServerError
            : WireFault.None);

        var first = () => StoreWithRetries(faults, maxErrorRetry: 1).CreateAsync(session);
        (await first.Should().ThrowAsync<SessionStoreException>()).Which.Should().BeOfType<SessionStoreException>();
        var again = await Setup.CreateAsync(session);

        again.Should().Be(session with { Version = 1 });
        (await Setup.GetAsync(session.Id)).Should().Be(again);
        Report("Create", faults);
    }

    [Fact]
    public async Task Revoke_applied_but_answer_lost_is_retried_by_the_SDK_and_returns_the_revoked_session()
    {
        var session = await Setup.CreateAsync(NewSession());
        var faults = new ScriptedFaultHandler(LoseFirst("UpdateItem"));

        var revoked = await StoreWithSdkRetries(faults).RevokeAsync(session.Id, "ops@example.com", "key leaked");

        revoked.Status.Should().Be(SessionStatus.Revoked);
        revoked.RevokedBy.Should().Be("ops@example.com");
        revoked.RevokedReason.Should().Be("key leaked");
        revoked.Version.Should().Be(2, "the revocation was applied once");
        (await Setup.GetAsync(session.Id)).Should().Be(revoked);
        Requests(faults).Should().Equal(await WithFallbackReadAsync("UpdateItem", "UpdateItem"));
        Report("Revoke", faults);
    }

    [Theory]
    [InlineData("alice@example.com", "key leaked")]
    [InlineData("ops@example.com", "offboarding")]
    public async Task Revoke_retried_onto_another_revocation_throws_SessionRevokedException_naming_it(string revokedBy, string reason)
    {
        var session = await Setup.CreateAsync(NewSession());
        var faults = new ScriptedFaultHandler(attempt => attempt is { Operation: "UpdateItem", Attempt: 1 } ? WireFault.InternalServerError : WireFault.None)
        {
            // Someone else's revocation lands between the first attempt (not applied) and the SDK's retry.
            OnAttempt = async attempt =>
            {
                if (attempt is { Operation: "UpdateItem", Attempt: 2 })
                {
                    await Setup.RevokeAsync(session.Id, revokedBy, reason);
                }
            },
        };

        var act = () => StoreWithSdkRetries(faults).RevokeAsync(session.Id, "ops@example.com", "key leaked");

        var error = (await act.Should().ThrowAsync<SessionRevokedException>()).Which;
        error.RevokedBy.Should().Be(revokedBy);
        error.RevokedReason.Should().Be(reason);
        (await Setup.GetAsync(session.Id)).RevokedBy.Should().Be(revokedBy);
        Report("Revoke", faults);
    }

    [Fact]
    public async Task Revoke_retried_by_the_caller_after_the_SDK_gave_up_returns_the_revocation_the_first_call_applied()
    {
        var session = await Setup.CreateAsync(NewSession());
        var faults = new ScriptedFaultHandler(attempt => attempt.Operation == "UpdateItem"
            ? attempt.Attempt == 1 ? WireFault.LoseResponse : WireFault.ServiceUnavailable
            : WireFault.None);

        var first = () => StoreWithRetries(faults, maxErrorRetry: 2).RevokeAsync(session.Id, "ops", "leak");
        (await first.Should().ThrowAsync<SessionStoreException>()).Which.Should().BeOfType<SessionStoreException>();
        var again = await Setup.RevokeAsync(session.Id, "ops", "leak");

        again.Should().Be(await Setup.GetAsync(session.Id));
        again.Version.Should().Be(2);
        Report("Revoke", faults);
    }

    [Fact]
    public async Task Touch_applied_but_answer_lost_is_counted_once()
    {
        var session = await Setup.CreateAsync(NewSession());
        var lost = 0;
        var faults = new ScriptedFaultHandler(attempt => attempt is { Operation: "UpdateItem", Attempt: 1 } && Interlocked.Increment(ref lost) == 2
            ? WireFault.LoseResponse
            : WireFault.None);
        var store = StoreWithSdkRetries(faults);

        for (var i = 0; i < 3; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await store.TouchAsync(session.Id);
        }

        var touched = await Setup.GetAsync(session.Id);
        touched.RequestCount.Should().Be(3, "the SDK sent the second Touch twice, and the table applied it once");
        faults.Attempts.Count(a => a.Operation == "UpdateItem").Should().Be(4);
        touched.LastAccessAt.Should().Be(Time.GetUtcNow());
        Requests(faults).Should().Equal((await Server.CapabilitiesAsync()).ReturnsOldItemOnConditionFailure
            ? ["UpdateItem", "UpdateItem", "UpdateItem", "UpdateItem"]
            : ["UpdateItem", "UpdateItem", "UpdateItem", "GetItem", "UpdateItem"]);
        Report("Touch", faults);
    }

    [Fact]
    public async Task Touches_sent_at_once_whose_first_answers_are_all_lost_are_each_counted_exactly_once()
    {
        var session = await Setup.CreateAsync(NewSession());
        var faults = new ScriptedFaultHandler(LoseFirst("UpdateItem"));
        var first = StoreWithSdkRetries(faults);
        var second = StoreWithSdkRetries(new ScriptedFaultHandler(LoseFirst("UpdateItem")));

        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).TouchAsync(session.Id))));

        (await Setup.GetAsync(session.Id)).RequestCount.Should().Be(24, "every Touch was applied once, however often it was sent");
        Report("Touch", faults);
    }

    [Fact]
    public async Task Touch_applied_but_answer_lost_whose_retry_meets_a_revocation_returns_the_touch_it_made_and_counts_it_once()
    {
        var session = await Setup.CreateAsync(NewSession());
        var faults = new ScriptedFaultHandler(LoseFirst("UpdateItem"))
        {
            OnAttempt = async attempt =>
            {
                if (attempt is { Operation: "UpdateItem", Attempt: 2 })
                {
                    await Setup.RevokeAsync(session.Id, "ops", "leak");
                }
            },
        };
        var store = StoreWithSdkRetries(faults);

        // The Touch took effect before the revocation: it was served then, and says so; the next one is refused.
        await store.TouchAsync(session.Id);

        var stored = await Setup.GetAsync(session.Id);
        stored.RequestCount.Should().Be(1, "the first attempt was applied before the revocation, the retry was not");
        stored.Status.Should().Be(SessionStatus.Revoked);
        await FluentActions.Awaiting(() => store.TouchAsync(session.Id)).Should().ThrowAsync<SessionRevokedException>();
        (await Setup.GetAsync(session.Id)).RequestCount.Should().Be(1);
        Report("Touch", faults);
    }

    [Fact]
    public async Task Update_applied_but_answer_lost_returns_the_update_it_made_not_a_conflict()
    {
        var session = await Setup.CreateAsync(NewSession());
        var faults = new ScriptedFaultHandler(LoseFirst("UpdateItem"));
        var renewed = session with { ExpiresAt = session.ExpiresAt.AddHours(1), SourceIdentity = "renewed" };

        var updated = await StoreWithSdkRetries(faults).UpdateAsync(renewed);

        updated.Version.Should().Be(2, "the update was applied once");
        updated.ExpiresAt.Should().Be(renewed.ExpiresAt);
        (await Setup.GetAsync(session.Id)).Should().Be(updated);
        Requests(faults).Should().Equal(await WithFallbackReadAsync("UpdateItem", "UpdateItem"));
        Report("Update", faults);
    }

    [Fact]
    public async Task Update_applied_but_answer_lost_then_changed_again_before_the_retry_still_returns_its_own_update()
    {
        var session = await Setup.CreateAsync(NewSession());
        var faults = new ScriptedFaultHandler(LoseFirst("UpdateItem"))
        {
            OnAttempt = async attempt =>
            {
                if (attempt is { Operation: "UpdateItem", Attempt: 2 })
                {
                    var current = await Setup.GetAsync(session.Id);
                    await Setup.UpdateAsync(current with { SourceIdentity = "someone else" });
                }
            },
        };

        var updated = await StoreWithSdkRetries(faults).UpdateAsync(session with { SourceIdentity = "mine" });

        updated.Version.Should().Be(2, "it reports the version its own write made");
        updated.SourceIdentity.Should().Be("mine");
        (await Setup.GetAsync(session.Id)).Should().Match<ServerSession>(s => s.Version == 3 && s.SourceIdentity == "someone else");
        Report("Update", faults);
    }

    [Fact]
    public async Task Expire_applied_but_answer_lost_returns_the_expiry_it_made_not_already_expired()
    {
        var session = await Setup.CreateAsync(NewSession());
        var faults = new ScriptedFaultHandler(LoseFirst("UpdateItem"));

        var expired = await StoreWithSdkRetries(faults).ExpireAsync(session.Id);

        expired.Status.Should().Be(SessionStatus.Expired);
        expired.Version.Should().Be(2);
        (await Setup.GetAsync(session.Id)).Should().Be(expired);
        await FluentActions.Awaiting(() => Setup.ExpireAsync(session.Id)).Should().ThrowAsync<SessionExpiredException>("another Expire is refused as before");
        Report("Expire", faults);
    }

    [Fact]
    public async Task Revoke_refused_with_its_own_revocation_as_the_old_item_returns_it_in_one_request()
    {
        var session = ServerSession.Start("alice", "prod", "i-1", "svc", TimeSpan.FromHours(1), Time.GetUtcNow()) with { Version = 1 };
        var revoked = session.Revoke("ops", "leak", Time.GetUtcNow()) with { Version = 2 };
        var client = new Mock<IAmazonDynamoDB>(MockBehavior.Strict);
        client.Setup(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConditionalCheckFailedException("The conditional request failed") { Item = SessionItem.ToItem(revoked, TimeSpan.FromHours(1)) });
        var store = TestStores.DynamoDb(client.Object, "sessions", Time);

        (await store.RevokeAsync(session.Id, "ops", "leak")).Should().Be(revoked);
        (await FluentActions.Awaiting(() => store.RevokeAsync(session.Id, "ops", "other")).Should().ThrowAsync<SessionRevokedException>()).Which.RevokedReason.Should().Be("leak");

        client.Verify(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Create_refused_with_its_own_session_as_the_old_item_returns_it_in_one_request()
    {
        var session = ServerSession.Start("alice", "prod", "i-1", "svc", TimeSpan.FromHours(1), Time.GetUtcNow());
        var client = new Mock<IAmazonDynamoDB>(MockBehavior.Strict);
        client.Setup(c => c.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConditionalCheckFailedException("The conditional request failed") { Item = SessionItem.ToItem(session with { Version = 1 }, TimeSpan.FromHours(1)) });
        var store = TestStores.DynamoDb(client.Object, "sessions", Time);

        (await store.CreateAsync(session)).Should().Be(session with { Version = 1 });
        await FluentActions.Awaiting(() => store.CreateAsync(session with { User = "mallory" })).Should().ThrowAsync<SessionAlreadyExistsException>();

        client.Verify(c => c.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        client.VerifyNoOtherCalls();
    }

    private static Func<WireAttempt, WireFault> LoseFirst(string operation) =>
        attempt => attempt.Operation == operation && attempt.Attempt == 1 ? WireFault.LoseResponse : WireFault.None;

    private static List<string> Requests(ScriptedFaultHandler faults) => faults.Attempts.Select(a => a.Operation).ToList();

    private ServerSession NewSession(string user = "alice")
    {
        Time.Advance(TimeSpan.FromMilliseconds(1));
        return ServerSession.Start($"{user}-{_tag}", $"prod-{_tag}", $"i-{_tag}", "svc", TimeSpan.FromHours(1), Time.GetUtcNow());
    }

    /// <summary>A store on a client with the SDK's standard retries, backoff included.</summary>
    private DynamoDbSessionStore StoreWithSdkRetries(ScriptedFaultHandler faults) => StoreOn(Server.CreateClient(faults));

    private DynamoDbSessionStore StoreWithRetries(ScriptedFaultHandler faults, int maxErrorRetry)
    {
        return StoreOn(Own(RetryingClient.Create(Server, RetryingClient.Chain(faults), maxErrorRetry)));
    }

    private void Report(string operation, ScriptedFaultHandler faults) =>
        output.WriteLine($"faults injected: {operation} ambiguous {faults.Injected.Count}");
}

public sealed class AmbiguousRetryTestsOnDynalite(DynaliteFixture server, ITestOutputHelper output) : AmbiguousRetryTests(server, output), IClassFixture<DynaliteFixture>;

public sealed class AmbiguousRetryTestsOnDynamoDbLocal(DynamoDbLocalFixture server, ITestOutputHelper output) : AmbiguousRetryTests(server, output), IClassFixture<DynamoDbLocalFixture>;
