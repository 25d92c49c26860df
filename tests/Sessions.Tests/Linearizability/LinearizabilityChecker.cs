using System.Collections.Immutable;
using System.Text;

namespace Sessions.Tests.Linearizability;

/// <summary>
/// Decides whether a history of concurrent calls is linearizable with respect to <see cref="SessionModel"/>: whether some
/// order of the calls, consistent with real time (a call that returned before another began comes first), run one at a
/// time through the model, gives every call the outcome it had. A call with an unknown outcome (a provider fault) may
/// have taken effect at any point after it began, or never. The search is the Wing–Gong algorithm with a memo of the
/// states already explored, as Jepsen's Knossos does; fine for the tens of calls a history holds here.
/// </summary>
internal static class LinearizabilityChecker
{
    /// <summary>Returns <see langword="null"/> when the history is linearizable, else why not (the history and what was explored).</summary>
    public static string? Check(SessionModel model, IReadOnlyList<HistoryEntry> history)
    {
        if (history.Count > 62)
        {
            throw new ArgumentOutOfRangeException(nameof(history), history.Count, "The checker takes at most 62 calls.");
        }

        var all = (1UL << history.Count) - 1;
        var dead = new HashSet<(string, ulong)>();
        var deepest = (Done: 0, Order: ImmutableList<int>.Empty, State: model.Empty);
        if (Search(model.Empty, all, ImmutableList<int>.Empty))
        {
            return null;
        }

        var text = new StringBuilder("The history is not linearizable: no order of its calls, consistent with real time, gives every call its outcome.\n");
        text.AppendLine("History (calls numbered as below; [invoked..returned] on a shared counter):");
        for (var i = 0; i < history.Count; i++)
        {
            text.AppendLine($"  #{i} {history[i]}");
        }

        text.AppendLine($"Longest order found: {string.Join(", ", deepest.Order.Select(i => "#" + i))}, leaving the model at:");
        for (var t = 0; t < deepest.State.Length; t++)
        {
            text.AppendLine($"  s{t}: {deepest.State[t]?.ToString() ?? "(none)"}");
        }

        var stuck = Enumerable.Range(0, history.Count).Where(i => !deepest.Order.Contains(i)).Select(i => $"#{i} {history[i]}");
        text.AppendLine("where none of these could come next: " + string.Join("; ", stuck));
        return text.ToString();

        bool Search(ImmutableArray<ModelSession?> state, ulong remaining, ImmutableList<int> order)
        {
            if (remaining == 0)
            {
                return true;
            }

            var key = (Key(state), remaining);
            if (dead.Contains(key))
            {
                return false;
            }

            if (order.Count > deepest.Done)
            {
                deepest = (order.Count, order, state);
            }

            for (var i = 0; i < history.Count; i++)
            {
                if ((remaining & (1UL << i)) == 0 || !MayComeNext(i, remaining))
                {
                    continue;
                }

                var entry = history[i];
                var rest = remaining & ~(1UL << i);
                var (next, expected) = model.Apply(state, entry.Op, entry.Now);
                if (entry.Outcome is Outcome.Unknown)
                {
                    // It took effect here, or never did.
                    if (Search(next, rest, order.Add(i)) || Search(state, rest, order.Add(i)))
                    {
                        return true;
                    }
                }
                else if (Agrees(expected, entry.Outcome) && Search(next, rest, order.Add(i)))
                {
                    return true;
                }
            }

            dead.Add(key);
            return false;
        }

        // A call may come next unless another call still waiting returned before it began (an unknown outcome never returned).
        bool MayComeNext(int candidate, ulong remaining)
        {
            var invoked = history[candidate].Invoked;
            for (var j = 0; j < history.Count; j++)
            {
                if (j != candidate && (remaining & (1UL << j)) != 0 && history[j].Outcome is not Outcome.Unknown && history[j].Returned < invoked)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Whether what the store returned is what the model says the call returns at that point.</summary>
    public static bool Agrees(Outcome expected, Outcome actual) => (expected, actual) switch
    {
        (Outcome.Session e, Outcome.Session a) => e.Value == a.Value,
        _ => expected == actual,
    };

    private static string Key(ImmutableArray<ModelSession?> state) => string.Join(" | ", state.Select(s => s?.ToString() ?? "-"));
}
