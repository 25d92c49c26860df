using System.Runtime.CompilerServices;

namespace Sessions.Tests.Linearizability;

/// <summary>
/// The test's fake clock as the store sees it, noting the first time each call reads it: the model judges a call by the
/// clock value it read, since the clock moves while calls run.
/// </summary>
internal sealed class RecordingClock(FakeTimeProvider time) : TimeProvider
{
    private static readonly AsyncLocal<StrongBox<DateTimeOffset?>?> s_read = new();

    /// <summary>Starts noting, for the calls the current flow makes from here on, the first clock value they read.</summary>
    public static StrongBox<DateTimeOffset?> Note()
    {
        var box = new StrongBox<DateTimeOffset?>();
        s_read.Value = box;
        return box;
    }

    public override DateTimeOffset GetUtcNow()
    {
        var now = time.GetUtcNow();
        if (s_read.Value is { Value: null } box)
        {
            box.Value = now;
        }

        return now;
    }

    public override long GetTimestamp() => time.GetTimestamp();

    public override long TimestampFrequency => time.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => time.CreateTimer(callback, state, dueTime, period);
}
