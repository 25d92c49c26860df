using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Sessions.Tests.Linearizability;

/// <summary>
/// Runs a <see cref="Scenario"/> against a store and records its history: each call with the shared counter's value
/// when it began and when it ended, the clock value it read, and what it returned.
/// </summary>
internal static class HistoryRunner
{
    /// <summary>The reason every RevokeAllForUser of a history gives: no other revocation gives it.</summary>
    public const string BulkReason = "revoke-all";

    public static Task<(SessionModel Model, List<HistoryEntry> History)> RunAsync(ISessionStore store, FakeTimeProvider time, Scenario scenario) =>
        RunAsync(store, time, scenario, touchesBefore: 0, bulk: null);

    /// <summary>
    /// Runs <paramref name="scenario"/> with one more caller that calls RevokeAllForUser on the scenario's user after
    /// <paramref name="touchesBefore"/> Touches of its own; returns when that call began and returned, and its result.
    /// </summary>
    public static async Task<(SessionModel Model, List<HistoryEntry> History, (long Invoked, long Returned, SessionMaintenanceResult Result) Bulk)> RunWithRevokeAllAsync(
        ISessionStore store, FakeTimeProvider time, Scenario scenario, int touchesBefore)
    {
        var bulk = new StrongBox<(long, long, SessionMaintenanceResult)>();
        var (model, history) = await RunAsync(store, time, scenario, touchesBefore, bulk);
        return (model, history, bulk.Value);
    }

    private static async Task<(SessionModel Model, List<HistoryEntry> History)> RunAsync(
        ISessionStore store, FakeTimeProvider time, Scenario scenario, int touchesBefore, StrongBox<(long, long, SessionMaintenanceResult)>? bulk)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var templates = Enumerable.Range(0, scenario.Sessions)
            .Select(i => ServerSession.Start($"lin-{tag}", $"profile-{tag}", $"instance-{tag}-{i}", "first", scenario.Duration, time.GetUtcNow()))
            .ToList();
        var model = new SessionModel(templates);
        var counter = 0L;
        var history = new ConcurrentQueue<HistoryEntry>();

        for (var i = 0; i < templates.Count; i++)
        {
            history.Enqueue(await CallAsync(-1, new Op.Create(i)));
        }

        // Every caller and the clock start together, so that their calls overlap as much as the machine allows.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = scenario.Callers.Select((ops, thread) => Task.Run(async () =>
        {
            await gate.Task;
            foreach (var op in ops)
            {
                history.Enqueue(await CallAsync(thread, op));
            }
        })).ToList();
        if (bulk is not null)
        {
            callers.Add(Task.Run(async () =>
            {
                await gate.Task;
                for (var i = 0; i < touchesBefore; i++)
                {
                    history.Enqueue(await CallAsync(scenario.Callers.Length, new Op.Touch(i % templates.Count)));
                }

                var invoked = Interlocked.Increment(ref counter);
                var result = await store.RevokeAllForUserAsync(templates[0].User, "security", BulkReason);
                bulk.Value = (invoked, Interlocked.Increment(ref counter), result);
            }));
        }

        var clock = Task.Run(async () =>
        {
            await gate.Task;
            foreach (var step in scenario.ClockSteps)
            {
                await Task.Yield();
                time.Advance(TimeSpan.FromSeconds(step));
            }
        });
        gate.SetResult();
        await Task.WhenAll(callers.Append(clock));
        return (model, [.. history.OrderBy(e => e.Invoked)]);

        async Task<HistoryEntry> CallAsync(int thread, Op op)
        {
            var invoked = Interlocked.Increment(ref counter);
            var read = RecordingClock.Note();
            Outcome outcome;
            try
            {
                outcome = await ExecuteAsync(store, templates[op.Target], op);
            }
            catch (Exception ex) when (Classify(ex) is { } refusal)
            {
                outcome = refusal;
            }

            return new HistoryEntry(thread, op, invoked, Interlocked.Increment(ref counter), read.Value, outcome);
        }
    }

    private static async Task<Outcome> ExecuteAsync(ISessionStore store, ServerSession template, Op op)
    {
        switch (op)
        {
            case Op.Create:
                return new Outcome.Session(ModelSession.Of(await store.CreateAsync(template)));
            case Op.Get:
                return new Outcome.Session(ModelSession.Of(await store.GetAsync(template.Id)));
            case Op.Touch:
                await store.TouchAsync(template.Id);
                return Outcome.Done.Instance;
            case Op.Update update:
                var written = await store.UpdateAsync(template with
                {
                    Version = update.Version,
                    ExpiresAt = template.StartedAt + update.ExpiresAfterStart,
                    SourceIdentity = update.Source,
                });
                return new Outcome.Updated(written.Status, written.Version, written.ExpiresAt, written.SourceIdentity, written.UpdatedAt);
            case Op.Revoke revoke:
                return new Outcome.Session(ModelSession.Of(await store.RevokeAsync(template.Id, revoke.By, revoke.Reason)));
            case Op.Expire:
                return new Outcome.Session(ModelSession.Of(await store.ExpireAsync(template.Id)));
            case Op.Delete:
                await store.DeleteAsync(template.Id);
                return Outcome.Done.Instance;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown operation.");
        }
    }

    /// <summary>The outcome an exception stands for; <see langword="null"/> for anything the contract does not allow (the test fails on it).</summary>
    private static Outcome? Classify(Exception exception) => exception switch
    {
        SessionRevokedException revoked => new Outcome.Refused("revoked", $"{revoked.RevokedBy}|{revoked.RevokedReason}"),
        SessionExpiredException => Outcome.Refused.Expired,
        SessionNotFoundException => Outcome.Refused.NotFound,
        SessionAlreadyExistsException => Outcome.Refused.AlreadyExists,
        SessionConcurrencyException => Outcome.Refused.Conflict,
        InvalidSessionTransitionException => Outcome.Refused.InvalidTransition,
        SessionCorruptException corrupt => new Outcome.Refused("corrupt", corrupt.Message),
        SessionStoreException fault => new Outcome.Unknown(fault.Message.Length <= 80 ? fault.Message : fault.Message[..80]),
        _ => null,
    };
}
