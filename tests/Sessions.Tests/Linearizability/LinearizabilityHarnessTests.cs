using System.Collections.Immutable;
using CsCheck;
using Sessions.Tests.Hosting;

namespace Sessions.Tests.Linearizability;

/// <summary>
/// The harness can fail: the checker refuses histories no order explains and accepts those one does, and a store that
/// counts a Touch twice or reports a conflict for its own update is caught by the same random histories that pass on
/// the real stores.
/// </summary>
public sealed class LinearizabilityHarnessTests
{
    private static readonly DateTimeOffset T0 = new(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ServerSession Template = ServerSession.Start("u", "p", "i", "first", TimeSpan.FromSeconds(10), T0);
    private static readonly SessionModel Model = new([Template]);
    private static readonly ModelSession Created = ModelSession.Of(Template with { Version = 1 });

    [Fact]
    public void Two_overlapping_touches_and_then_a_read_of_count_2_are_linearizable_and_of_count_3_are_not()
    {
        HistoryEntry[] history =
        [
            new(-1, new Op.Create(0), 1, 2, null, new Outcome.Session(Created)),
            new(0, new Op.Touch(0), 3, 6, T0, Outcome.Done.Instance),
            new(1, new Op.Touch(0), 4, 5, T0, Outcome.Done.Instance),
            new(0, new Op.Get(0), 7, 8, null, new Outcome.Session(Created with { RequestCount = 2 })),
        ];

        LinearizabilityChecker.Check(Model, history).Should().BeNull();
        LinearizabilityChecker.Check(Model, [.. history[..3], history[3] with { Outcome = new Outcome.Session(Created with { RequestCount = 3 }) }])
            .Should().Contain("not linearizable").And.Contain("#3");
    }

    [Fact]
    public void A_touch_with_an_unknown_outcome_may_have_counted_once_or_not_at_all_but_never_twice()
    {
        var unknown = new HistoryEntry(0, new Op.Touch(0), 3, 4, T0, new Outcome.Unknown("lost"));
        foreach (var count in new long[] { 0, 1, 2 })
        {
            HistoryEntry[] history =
            [
                new(-1, new Op.Create(0), 1, 2, null, new Outcome.Session(Created)),
                unknown,
                new(0, new Op.Get(0), 5, 6, null, new Outcome.Session(Created with { RequestCount = count })),
            ];

            LinearizabilityChecker.Check(Model, history).Should().Match<string?>(r => (r == null) == (count < 2), $"a count of {count}");
        }
    }

    [Fact]
    public void A_touch_that_began_after_a_revoke_returned_may_not_succeed()
    {
        var revoked = Created with { Status = SessionStatus.Revoked, RevokedBy = "ops", RevokedReason = "leak", UpdatedAt = T0, Version = 2 };
        HistoryEntry[] history =
        [
            new(-1, new Op.Create(0), 1, 2, null, new Outcome.Session(Created)),
            new(0, new Op.Revoke(0, "ops", "leak"), 3, 4, T0, new Outcome.Session(revoked)),
            new(1, new Op.Touch(0), 5, 6, T0, Outcome.Done.Instance),
        ];

        LinearizabilityChecker.Check(Model, history).Should().NotBeNull();
        LinearizabilityChecker.Check(Model, [.. history[..2], history[2] with { Invoked = 2 }]).Should().NotBeNull("overlapping only the Create, it still begins before the Revoke");
        var revokedAfterTheTouch = revoked with { RequestCount = 1, LastAccessAt = T0 };
        LinearizabilityChecker.Check(Model, [history[0], history[1] with { Invoked = 3, Returned = 6, Outcome = new Outcome.Session(revokedAfterTheTouch) }, history[2] with { Invoked = 4, Returned = 5 }])
            .Should().BeNull("overlapping the Revoke, it may come first, as the count the Revoke returned shows");
    }

    [Fact]
    public void A_touch_at_or_after_ExpiresAt_may_not_succeed_whatever_the_order()
    {
        HistoryEntry[] history =
        [
            new(-1, new Op.Create(0), 1, 2, null, new Outcome.Session(Created)),
            new(0, new Op.Touch(0), 3, 4, Template.ExpiresAt, Outcome.Done.Instance),
        ];

        LinearizabilityChecker.Check(Model, history).Should().NotBeNull();
        LinearizabilityChecker.Check(Model, [history[0], history[1] with { Now = Template.ExpiresAt.AddTicks(-1) }]).Should().BeNull();
    }

    [Fact]
    public async Task A_store_that_counts_some_touches_twice_is_caught()
    {
        var act = () => SampleAsync(clock => new DoubleCountingStore(new InMemorySessionStore(clock)));

        (await act.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain("not linearizable").And.Contain("Touch(s");
    }

    [Fact]
    public async Task A_store_that_reports_a_conflict_for_its_own_applied_update_is_caught()
    {
        var act = () => SampleAsync(clock => new ConflictAfterApplyStore(new InMemorySessionStore(clock)));

        (await act.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain("not linearizable").And.Contain("Update(s");
    }

    private static Task SampleAsync(Func<TimeProvider, ISessionStore> store) =>
        Scenario.Gen(recreate: false).SampleAsync(async scenario =>
        {
            var time = new FakeTimeProvider(T0);
            var (model, history) = await HistoryRunner.RunAsync(store(new RecordingClock(time)), time, scenario);
            if (LinearizabilityChecker.Check(model, history) is { } failure)
            {
                throw new NotLinearizableException(failure);
            }
        }, iter: 2_000, threads: 1, print: s => s.ToString());

    /// <summary>Applies every third Touch twice: the bug a lost answer retried without a writer slot would cause.</summary>
    private sealed class DoubleCountingStore(ISessionStore inner) : DelegatingSessionStore(inner)
    {
        private int _touches;

        public override async Task TouchAsync(string id, CancellationToken cancellationToken = default)
        {
            await base.TouchAsync(id, cancellationToken);
            if (Interlocked.Increment(ref _touches) % 3 == 0)
            {
                await base.TouchAsync(id, cancellationToken);
            }
        }
    }

    /// <summary>Applies an update, then says it conflicted: the bug a retried update without a writer slot would show.</summary>
    private sealed class ConflictAfterApplyStore(ISessionStore inner) : DelegatingSessionStore(inner)
    {
        public override async Task<ServerSession> UpdateAsync(ServerSession session, CancellationToken cancellationToken = default)
        {
            var written = await base.UpdateAsync(session, cancellationToken);
            throw new SessionConcurrencyException(session.Id, session.Version, written.Version);
        }
    }
}
