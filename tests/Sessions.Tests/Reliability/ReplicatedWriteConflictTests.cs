using Sessions.TestSupport.Clocks;
using Operation = Sessions.SessionStoreOperations;

namespace Sessions.Tests.Reliability;

/// <summary>
/// DynamoDB's refusal of a write that races a write to the same item from another Region (global tables with multi-Region
/// strong consistency: 400 <c>ReplicatedWriteConflictException</c>), injected on the wire into every write of the store: the
/// store sends the very same request again after a short backoff on its clock, at most
/// <see cref="ReplicatedWriteRetry.MaxAttempts"/> times. A conflict that clears is invisible and the write applied once; one that
/// does not is a <see cref="SessionWriteConflictException"/> and nothing is written; a conflict answered to a write that was
/// applied is recognised as that write's own effect. The clients here do not retry (MaxErrorRetry 0) unless a test says so,
/// so every attempt on the wire is one the store sent.
/// </summary>
public abstract class ReplicatedWriteConflictTests(DynamoDbServerFixture server, ITestOutputHelper output)
    : SharedTableTests(server, new DateTimeOffset(2038, 3, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Interlocked.Increment(ref s_tests)))
{
    // Every test lives in its own later day of the class's table (its clock starts there), so its sessions are the newest
    // and alone in their time range.
    private static int s_tests;

    public static TheoryData<string> Writes => [Operation.Create, Operation.Update, Operation.Delete, Operation.Touch, Operation.Revoke, Operation.Expire];

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task A_conflict_that_clears_within_the_bound_is_invisible_and_the_write_is_applied_once(string operation)
    {
        var call = await StoreOperations.PrepareAsync(operation, Setup, Time);
        var write = StoreOperations.RequestsOf(operation)[0];
        var faults = new ScriptedFaultHandler(attempt => attempt.Operation == write && attempt.Attempt < ReplicatedWriteRetry.MaxAttempts
            ? WireFault.ReplicatedWriteConflict
            : WireFault.None);
        var clock = new SkippingClock(Time);

        var result = await call.Run(StoreOn(faults, clock), CancellationToken.None);

        await call.Verify(result);
        if (result is ServerSession written)
        {
            written.Version.Should().Be(operation == Operation.Create ? 1 : 2, "the write was applied once");
        }

        faults.Attempts.Where(a => a.Operation == write).Select(a => a.Attempt).Should().Equal(Enumerable.Range(1, ReplicatedWriteRetry.MaxAttempts),
            "the very same request was sent again after each refusal");
        clock.Waits.Should().HaveCount(ReplicatedWriteRetry.MaxAttempts - 1).And.SatisfyRespectively(
            first => first.Should().BeGreaterThanOrEqualTo(ReplicatedWriteRetry.Backoff(0, 0) - TimeSpan.FromMilliseconds(1)).And.BeLessThan(ReplicatedWriteRetry.Backoff(0, 1)),
            second => second.Should().BeGreaterThanOrEqualTo(ReplicatedWriteRetry.Backoff(1, 0) - TimeSpan.FromMilliseconds(1)).And.BeLessThan(ReplicatedWriteRetry.Backoff(1, 1)));
        Report(operation, faults);
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task A_conflict_that_does_not_clear_is_a_SessionWriteConflictException_after_exactly_the_bounded_attempts_and_writes_nothing(string operation)
    {
        var call = await StoreOperations.PrepareAsync(operation, Setup, Time);
        var write = StoreOperations.RequestsOf(operation)[0];
        var before = await StoredAsync(call.SessionId!);
        var faults = new ScriptedFaultHandler(attempt => attempt.Operation == write ? WireFault.ReplicatedWriteConflict : WireFault.None);

        var error = (await FluentActions.Awaiting(() => call.Run(StoreOn(faults, new SkippingClock(Time)), CancellationToken.None))
            .Should().ThrowAsync<SessionWriteConflictException>()).Which;

        error.SessionId.Should().Be(call.SessionId);
        error.Operation.Should().Be(operation);
        error.TableName.Should().Be(Table);
        error.InnerException.Should().BeOfType<ReplicatedWriteConflictException>().Which.ErrorCode.Should().Be("ReplicatedWriteConflictException");
        error.Message.Should().Contain($"'{Table}'").And.Contain(operation).And.Contain("may be retried");
        faults.Attempts.Should().OnlyContain(a => a.Operation == write).And.HaveCount(ReplicatedWriteRetry.MaxAttempts);
        (await StoredAsync(call.SessionId!)).Should().Be(before, "no attempt was applied");
        Report(operation, faults);
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task A_conflict_answered_to_a_write_that_was_applied_is_recognised_as_its_own_effect(string operation)
    {
        var call = await StoreOperations.PrepareAsync(operation, Setup, Time);
        var write = StoreOperations.RequestsOf(operation)[0];
        var faults = new ScriptedFaultHandler(attempt => attempt.Operation == write && attempt.Attempt == 1
            ? WireFault.LoseResponseAsReplicatedWriteConflict
            : WireFault.None);

        var result = await call.Run(StoreOn(faults, new SkippingClock(Time)), CancellationToken.None);

        await call.Verify(result);
        if (result is ServerSession written)
        {
            written.Version.Should().Be(operation == Operation.Create ? 1 : 2, "the first attempt was applied, the second recognised it");
        }

        faults.Attempts.Count(a => a.Operation == write).Should().Be(2);
        Report(operation, faults);
    }

    [Fact]
    public async Task The_SDK_retries_a_conflict_too_so_each_of_the_stores_attempts_is_sent_as_often_as_the_client_retries()
    {
        var call = await StoreOperations.PrepareAsync(Operation.Revoke, Setup, Time);
        var faults = new ScriptedFaultHandler(attempt => attempt.Operation == "UpdateItem" ? WireFault.ReplicatedWriteConflict : WireFault.None);

        await FluentActions.Awaiting(() => call.Run(StoreOn(faults, new SkippingClock(Time), maxErrorRetry: 2), CancellationToken.None))
            .Should().ThrowAsync<SessionWriteConflictException>();

        faults.Attempts.Should().HaveCount(ReplicatedWriteRetry.MaxAttempts * 3, "the SDK marks the error retryable and sent each attempt 3 times");
        (await Setup.GetAsync(call.SessionId!)).Status.Should().Be(SessionStatus.Active);
        Report(Operation.Revoke, faults);
    }

    [Fact]
    public async Task Touches_whose_conflicts_clear_are_each_counted_exactly_once()
    {
        var call = await StoreOperations.PrepareAsync(Operation.Touch, Setup, Time);
        var faults = new ScriptedFaultHandler(attempt => attempt.Attempt == 1 ? WireFault.ReplicatedWriteConflict : WireFault.None);
        var store = StoreOn(faults, new SkippingClock(Time));

        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => store.TouchAsync(call.SessionId!))));

        (await Setup.GetAsync(call.SessionId!)).RequestCount.Should().Be(12);
        faults.Injected.Should().HaveCount(12, "each Touch met one conflict");
        Report(Operation.Touch, faults);
    }

    private async Task<ServerSession?> StoredAsync(string id)
    {
        try
        {
            return await Setup.GetAsync(id);
        }
        catch (SessionNotFoundException)
        {
            return null;
        }
    }

    [Fact]
    public async Task A_migration_rewrite_is_sent_again_on_a_conflict_and_one_that_never_clears_is_reported_failed_unwritten()
    {
        var table = await Server.CreateTableAsync();
        var (clears, stuck) = ("0000000000c1ea25", "00000000057ac0c0");
        foreach (var id in new[] { clears, stuck })
        {
            await GoWrittenItems.PutAsync(Server.Client, table, GoWrittenItems.Active(id, "u", "p", "i", "2038-03-01T10:00:00.5+02:00", "2038-03-02T10:00:00+02:00"));
        }

        var faults = new ScriptedFaultHandler(attempt => attempt.Operation == "UpdateItem"
            && (attempt.Body.Contains(stuck, StringComparison.Ordinal) || attempt.Attempt < ReplicatedWriteRetry.MaxAttempts)
            ? WireFault.ReplicatedWriteConflict
            : WireFault.None);
        var client = Own(RetryingClient.Create(Server, RetryingClient.Chain(faults), maxErrorRetry: 0));

        var run = await SessionTableMigration.MigrateAsync(client, table);

        (run.Migrated, run.Failed).Should().Be((1, 1));
        run.Failures[stuck].Should().BeOfType<SessionWriteConflictException>().Which.InnerException.Should().BeOfType<Amazon.DynamoDBv2.Model.ReplicatedWriteConflictException>();
        faults.Attempts.Count(a => a.Operation == "UpdateItem" && a.Body.Contains(stuck, StringComparison.Ordinal)).Should().Be(ReplicatedWriteRetry.MaxAttempts);
        (await GoWrittenItems.RawAsync(Server.Client, table, stuck)).Should().NotContainKey(SessionItem.Version, "nothing was written");
        (await GoWrittenItems.RawAsync(Server.Client, table, clears))[SessionItem.Version].N.Should().Be("1");
    }

    private DynamoDbSessionStore StoreOn(ScriptedFaultHandler faults, TimeProvider clock, int maxErrorRetry = 0)
    {
        return StoreOn(Own(RetryingClient.Create(Server, RetryingClient.Chain(faults), maxErrorRetry)), clock);
    }

    private void Report(string operation, ScriptedFaultHandler faults) =>
        output.WriteLine($"{operation}: {faults.Injected.Count} conflicts injected, {faults.Attempts.Count} attempts on the wire");
}

public sealed class ReplicatedWriteConflictTestsOnDynalite(DynaliteFixture server, ITestOutputHelper output)
    : ReplicatedWriteConflictTests(server, output), IClassFixture<DynaliteFixture>;

public sealed class ReplicatedWriteConflictTestsOnDynamoDbLocal(DynamoDbLocalFixture server, ITestOutputHelper output)
    : ReplicatedWriteConflictTests(server, output), IClassFixture<DynamoDbLocalFixture>;
