namespace Sessions.Benchmarks.Infrastructure;

/// <summary>A clock that always reads the same instant, so the store and the hand-written requests send the same bytes.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
