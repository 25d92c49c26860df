using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Sessions.TestSupport.Clocks;

/// <summary>
/// A view of a shared <see cref="FakeTimeProvider"/> whose waits pass at once: every timer made with a finite, positive
/// due time moves the shared clock on by that time, just after the timer is made. Code that backs off on its
/// <see cref="TimeProvider"/> (<c>Task.Delay(delay, timeProvider)</c>) then runs on by itself, while the test still sees
/// each wait (<see cref="Waits"/>) and a clock that moved by exactly the time waited. No real time passes.
/// </summary>
public sealed class SkippingClock(FakeTimeProvider time) : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _waits = new();

    /// <summary>Gets every wait a timer was made for, in order.</summary>
    public IReadOnlyList<TimeSpan> Waits => [.. _waits];

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => time.GetUtcNow();

    /// <inheritdoc />
    public override long GetTimestamp() => time.GetTimestamp();

    /// <inheritdoc />
    public override long TimestampFrequency => time.TimestampFrequency;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = time.CreateTimer(callback, state, dueTime, period);
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            _waits.Enqueue(dueTime);

            // After the caller has its timer: Task.Delay completes a timer that fires before it was stored, too.
            ThreadPool.UnsafeQueueUserWorkItem(_ => time.Advance(dueTime), null);
        }

        return timer;
    }
}
