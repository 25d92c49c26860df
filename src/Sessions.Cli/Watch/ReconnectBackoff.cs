namespace Sessions.Cli.Watch;

/// <summary>
/// How long <c>sessions watch</c> waits before it asks a failing store again: 1 s after the first failure, doubling
/// after each further one up to a cap, and each wait jittered to between half and all of that (so many watches that
/// lost the same store do not come back at the same instant). The cap is 30 s, or the refresh interval when that is
/// longer: a watch never asks a failing store more often than every 30 s once the failures last, nor waits longer
/// than one refresh.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan interval, Random random)
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    private readonly TimeSpan _cap = interval > Cap ? interval : Cap;

    /// <summary>Gets how many attempts in a row have failed.</summary>
    public int Failures { get; private set; }

    /// <summary>Counts one more failure and returns how long to wait before the next attempt.</summary>
    public TimeSpan NextDelay()
    {
        var ceiling = First * Math.Pow(2, Math.Min(Failures, 30));
        Failures++;
        if (ceiling > _cap)
        {
            ceiling = _cap;
        }

        return ceiling * (0.5 + (random.NextDouble() / 2));
    }

    /// <summary>The store answered: the next failure waits <see cref="First"/> again.</summary>
    public void Reset() => Failures = 0;
}
