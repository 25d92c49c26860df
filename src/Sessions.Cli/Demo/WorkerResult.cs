namespace Sessions.Cli.Demo;

/// <summary>How one worker of the demo's credential server ended.</summary>
/// <param name="Worker">The worker's number, from 1.</param>
/// <param name="Served">The requests it served (each one a successful Touch).</param>
/// <param name="TouchTicks">The <see cref="System.Diagnostics.Stopwatch"/> ticks of each successful Touch.</param>
/// <param name="StoppedAt">The <see cref="System.Diagnostics.Stopwatch"/> timestamp at which it stopped serving.</param>
/// <param name="StoppedBy">The refusal that stopped it, or <see langword="null"/> when it ran out of requests.</param>
internal sealed record WorkerResult(int Worker, long Served, IReadOnlyList<long> TouchTicks, long StoppedAt, SessionNotActiveException? StoppedBy);
