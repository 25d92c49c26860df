using CsCheck;

namespace Sessions.Tests.Linearizability;

/// <summary>RevokeAllForUser racing Touches, Updates, Revokes and Expires of the same user's sessions, on every store.</summary>
public abstract class RevokeAllForUserRaceTests
{
    private static readonly DateTimeOffset Start = new(DateTimeOffset.UtcNow.Year + 2, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Gets how many histories one run samples.</summary>
    protected abstract int Histories { get; }

    private protected abstract Task<ISessionStore> StoreAsync(TimeProvider clock);

    /// <summary>
    /// RevokeAllForUser is not one atomic step (it lists a user's Active sessions, then revokes each), so the model treats
    /// each of its revocations as a step of its own within the call: every session Active when it listed ends revoked by it
    /// or by someone else, never Active; its count of changed sessions is exactly the sessions that hold its revocation;
    /// and no Touch that began after it returned succeeds. 3 sessions of one user, Touches, Updates, Revokes and Expires
    /// racing it from 2 callers.
    /// </summary>
    [Fact]
    public async Task RevokeAllForUser_racing_other_calls_leaves_no_session_Active_and_counts_what_it_revoked_exactly()
    {
        var racing = CsCheck.Gen.Frequency(
            (6, CsCheck.Gen.Int[0, 2].Select(t => (Op)new Op.Touch(t))),
            (2, CsCheck.Gen.Select(CsCheck.Gen.Int[0, 2], CsCheck.Gen.Long[1, 2], (t, v) => (Op)new Op.Update(t, v, TimeSpan.FromMinutes(5), "renewed"))),
            (1, CsCheck.Gen.Int[0, 2].Select(t => (Op)new Op.Revoke(t, "ops", "single"))),
            (1, CsCheck.Gen.Int[0, 2].Select(t => (Op)new Op.Expire(t))));
        var scenarios = CsCheck.Gen.Select(racing.Array[1, 4].Array[2], CsCheck.Gen.Int[0, 3], (callers, before) => (Callers: callers, TouchesBefore: before));
        var revokedByIt = 0;
        await scenarios.SampleAsync(async sample =>
        {
            var time = new FakeTimeProvider(Start);
            var scenario = new Scenario(3, TimeSpan.FromMinutes(1), sample.Callers, [], 0);
            var store = await StoreAsync(new RecordingClock(time));
            var (model, history, bulk) = await HistoryRunner.RunWithRevokeAllAsync(store, time, scenario, sample.TouchesBefore);

            var finals = await Task.WhenAll(model.Templates.Select(t => store.GetAsync(t.Id)));
            finals.Should().OnlyContain(s => s.Status != SessionStatus.Active, "every session was Active when the run began, and the run revoked it or met it ended");
            bulk.Result.Failed.Should().Be(0);
            bulk.Result.Changed.Should().Be(finals.Count(s => s.RevokedReason == HistoryRunner.BulkReason), "the run counts exactly the sessions that hold its revocation");
            history.Where(e => e is { Op: Op.Touch, Outcome: Outcome.Done } && e.Invoked > bulk.Returned)
                .Should().BeEmpty("no Touch that began after the run returned may succeed");
            Interlocked.Add(ref revokedByIt, bulk.Result.Changed);
        }, iter: Histories, threads: 1, print: s => string.Join(" || ", s.Callers.Select(c => string.Join(", ", c.Select(o => o.ToString())))));

        revokedByIt.Should().BePositive("the run revoked sessions, not only met them ended");
    }

}

/// <summary>The in-memory store: 500 histories.</summary>
public sealed class InMemoryRevokeAllForUserRaceTests : RevokeAllForUserRaceTests
{
    protected override int Histories => 500;

    private protected override Task<ISessionStore> StoreAsync(TimeProvider clock) => Task.FromResult<ISessionStore>(new InMemorySessionStore(clock));
}

/// <summary>The DynamoDB store: 40 histories per server.</summary>
public abstract class DynamoDbRevokeAllForUserRaceTests(DynamoDbServerFixture server) : RevokeAllForUserRaceTests, IAsyncLifetime
{
    private string _table = null!;

    protected override int Histories => 40;

    public async Task InitializeAsync() => _table = await server.SharedTableAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private protected override Task<ISessionStore> StoreAsync(TimeProvider clock) => Task.FromResult<ISessionStore>(TestStores.DynamoDb(server.Client, _table, clock));
}

public sealed class DynamoDbRevokeAllForUserRaceTestsOnDynalite(DynaliteFixture server) : DynamoDbRevokeAllForUserRaceTests(server), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbRevokeAllForUserRaceTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : DynamoDbRevokeAllForUserRaceTests(server), IClassFixture<DynamoDbLocalFixture>;
