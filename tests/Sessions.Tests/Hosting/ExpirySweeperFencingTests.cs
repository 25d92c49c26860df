using Microsoft.Extensions.Options;
using Sessions.Hosting;
using Sessions.Hosting.Leases;

namespace Sessions.Tests.Hosting;

/// <summary>
/// A holder paused past its lease (a long GC pause, a frozen VM) while the next holder sweeps: once it resumes, it
/// starts no further write and ends its run as lease_lost; the writes already in flight are refused by the store.
/// </summary>
public sealed class ExpirySweeperFencingTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2035, 8, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_holder_paused_past_its_lease_starts_no_write_after_the_next_holder_took_over()
    {
        var store = new InMemorySessionStore(_time);
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add((await store.CreateAsync(ServerSession.Start("fence", "fence", "fence-" + i, "s", TimeSpan.FromSeconds(1), _time.GetUtcNow()))).Id);
        }

        _time.Advance(TimeSpan.FromSeconds(2));
        var lease = InMemorySweepLease.For(store);
        var paused = new PausingStore(store, pauseAfter: SessionExpirySweeper.MaxConcurrentWrites);
        var logA = new ListLogger<SessionExpirySweeper>();
        var a = new SessionExpirySweeper(paused, lease, Options(instance: "a"), _time, logA);
        var b = new SessionExpirySweeper(store, lease, Options(instance: "b"), _time);

        var runA = a.RunOnceAsync(default);
        await paused.AllPaused.Task.WaitAsync(TimeSpan.FromSeconds(30));
        (await b.RunOnceAsync(default)).Should().Be(TimeSpan.FromMinutes(1), "b sees a's record and waits: it has not stood still for a lease duration yet");
        _time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        await b.RunOnceAsync(default);
        paused.Resume();
        await runA.WaitAsync(TimeSpan.FromSeconds(30));

        paused.Writes.Should().Be(SessionExpirySweeper.MaxConcurrentWrites, "only the writes already in flight when the lease lapsed reached the store");
        logA.Entries.Should().Contain(e => e.Id == 4, "a ends its run as lease_lost");
        foreach (var id in ids)
        {
            (await store.GetAsync(id)).Should().Match<ServerSession>(s => s.Status == SessionStatus.Expired && s.Version == 2);
        }
    }

    private static OptionsWrapper<SessionExpirySweeperOptions> Options(string instance) => new(new SessionExpirySweeperOptions
    {
        InstanceName = instance,
        LeaseDuration = LeaseDuration,
        MaxSessionsPerRun = 100,
    });

    /// <summary>A store whose UpdateAsync calls wait, once <c>pauseAfter</c> of them have arrived, until <see cref="Resume"/>.</summary>
    private sealed class PausingStore(ISessionStore inner, int pauseAfter) : DelegatingSessionStore(inner)
    {
        private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _writes;

        public TaskCompletionSource AllPaused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Writes => Volatile.Read(ref _writes);

        public void Resume() => _resume.TrySetResult();

        public override async Task<ServerSession> UpdateAsync(ServerSession session, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _writes) == pauseAfter)
            {
                AllPaused.TrySetResult();
            }

            await _resume.Task;
            return await base.UpdateAsync(session, cancellationToken);
        }
    }
}
