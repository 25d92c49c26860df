using System.Threading.Channels;

namespace Sessions.Tests.Hosting;

/// <summary>
/// One host's view of a shared <see cref="FakeTimeProvider"/>: it reports every timer the host creates (the sweeper
/// creates one per wait), so a test knows when the host is idle and until when, with no sleeps. <see cref="Kill"/>
/// stops its timers for good, as if the process had died: the host never wakes again. <see cref="Offset"/> sets the
/// host's wall clock off the shared one (a host whose clock is wrong); its timers and monotonic clock run at the
/// shared rate, as a real host's do.
/// </summary>
internal sealed class HostClock(FakeTimeProvider time, TimeSpan offset = default) : TimeProvider
{
    private long _offsetTicks = offset.Ticks;

    /// <summary>Gets or sets how far this host's wall clock is ahead of the shared one (negative: behind).</summary>
    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private readonly Channel<DateTimeOffset> _waits = Channel.CreateUnbounded<DateTimeOffset>();
    private readonly List<ITimer> _timers = [];
    private bool _dead;

    public bool IsDead
    {
        get
        {
            lock (_timers)
            {
                return _dead;
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => time.GetUtcNow() + Offset;

    public override long GetTimestamp() => time.GetTimestamp();

    public override long TimestampFrequency => time.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_timers)
        {
            if (_dead)
            {
                return time.CreateTimer(callback, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            var timer = time.CreateTimer(callback, state, dueTime, period);
            _timers.Add(timer);
            _waits.Writer.TryWrite(time.GetUtcNow() + dueTime);
            return timer;
        }
    }

    /// <summary>Waits (in real time, at most 30 s) until the host next starts waiting, and returns when it will wake.</summary>
    public async Task<DateTimeOffset> NextWaitAsync()
    {
        using var timeout = new CancellationTokenSource(MaxWait);
        try
        {
            return await _waits.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The host did not start waiting within {MaxWait.TotalSeconds} s.");
        }
    }

    /// <summary>The host dies: none of its timers fires again.</summary>
    public void Kill()
    {
        lock (_timers)
        {
            _dead = true;
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }
        }
    }
}
