namespace Sessions.Tests.Cli;

/// <summary>A <see cref="Random"/> whose <see cref="NextDouble"/> always answers the same value: jitter a test can predict.</summary>
internal sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;
}
