using System.Diagnostics;

namespace Sessions.Cli.Demo;

/// <summary>The demo's closing figures, computed from the workers' results.</summary>
internal sealed record DemoFigures(long Served, double TouchesPerSecond, TimeSpan TouchP50, TimeSpan TouchP99, TimeSpan RevokeToLastStop)
{
    /// <param name="workers">How each worker ended.</param>
    /// <param name="servingStarted">When the workers started (Stopwatch timestamp).</param>
    /// <param name="halfServed">When the last request before the revocation was served (Stopwatch timestamp).</param>
    /// <param name="revoked">When the revocation was stored (Stopwatch timestamp).</param>
    public static DemoFigures From(IReadOnlyList<WorkerResult> workers, long servingStarted, long halfServed, long revoked)
    {
        var touches = workers.SelectMany(w => w.TouchTicks).Order().ToArray();
        var served = workers.Sum(w => w.Served);
        var serving = Stopwatch.GetElapsedTime(servingStarted, halfServed);
        var lastStop = workers.Max(w => w.StoppedAt);
        return new DemoFigures(
            served,
            serving > TimeSpan.Zero ? served / serving.TotalSeconds : 0,
            Percentile(touches, 0.50),
            Percentile(touches, 0.99),
            Stopwatch.GetElapsedTime(revoked, Math.Max(lastStop, revoked)));
    }

    /// <summary>The nearest-rank percentile of sorted Stopwatch tick counts.</summary>
    private static TimeSpan Percentile(long[] sortedTicks, double percentile)
    {
        if (sortedTicks.Length == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (int)Math.Ceiling(percentile * sortedTicks.Length);
        return Stopwatch.GetElapsedTime(0, sortedTicks[Math.Clamp(rank, 1, sortedTicks.Length) - 1]);
    }
}
