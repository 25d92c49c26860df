using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sessions.Hosting;

namespace Sessions.Tests.Hosting;

/// <summary>One sweep as its span saw it: who, under which fence, when (fake time), and how many sessions it expired.</summary>
internal sealed record SweepRecord(string Instance, long Fence, DateTimeOffset StartedAt, int Examined, int Expired, string Outcome);

/// <summary>
/// Several hosts, each with its own service provider and expiry sweeper, on one store and one fake clock. The fleet
/// moves the clock from one host's wake-up to the next and waits, after each step, until every host it woke is
/// waiting again. It records every sweep span of its hosts and the most sweeps that ran at once.
/// </summary>
internal sealed class SweeperFleet : IAsyncDisposable
{
    private readonly FakeTimeProvider _time;
    private readonly string _prefix = "fleet-" + Guid.NewGuid().ToString("N")[..8] + "-";
    private readonly List<Host> _hosts = [];
    private readonly ActivityListener _listener = new();
    private readonly ConcurrentQueue<SweepRecord> _sweeps = new();
    private int _running;
    private int _maxRunning;

    public SweeperFleet(FakeTimeProvider time, int hosts, Action<IServiceCollection> addStore, Action<SessionExpirySweeperOptions> configure, TimeSpan[]? clockOffsets = null)
    {
        _time = time;
        _listener.ShouldListenTo = source => source.Name == SessionDiagnostics.ActivitySourceName;
        _listener.Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded;
        _listener.ActivityStarted = activity =>
        {
            if (IsOurs(activity))
            {
                var running = Interlocked.Increment(ref _running);
                InterlockedMax(ref _maxRunning, running);
            }
        };
        _listener.ActivityStopped = activity =>
        {
            if (IsOurs(activity))
            {
                Interlocked.Decrement(ref _running);
                _sweeps.Enqueue(new SweepRecord(
                    (string)activity.GetTagItem("sessions.sweeper.instance")!,
                    (long)activity.GetTagItem("sessions.sweeper.fence")!,
                    _time.GetUtcNow(),
                    (int)activity.GetTagItem("sessions.sweeper.examined")!,
                    (int)activity.GetTagItem("sessions.sweeper.expired")!,
                    (string)activity.GetTagItem("sessions.outcome")!));
            }
        };
        ActivitySource.AddActivityListener(_listener);

        for (var i = 0; i < hosts; i++)
        {
            _hosts.Add(new Host(_prefix + i, new HostClock(time, clockOffsets?[i] ?? TimeSpan.Zero), addStore, configure));
        }
    }

    /// <summary>Gets the instance names of the hosts, in order.</summary>
    public IReadOnlyList<string> Names => _hosts.Select(h => h.Name).ToList();

    /// <summary>Gets every sweep the hosts ran, in the order they ended.</summary>
    public IReadOnlyList<SweepRecord> Sweeps => _sweeps.ToList();

    /// <summary>Gets the most sweeps that ran at the same (real) time.</summary>
    public int MaxConcurrentSweeps => Volatile.Read(ref _maxRunning);

    public async Task StartAsync()
    {
        foreach (var host in _hosts)
        {
            await host.Sweeper.StartAsync(CancellationToken.None);
            host.Due = await host.Clock.NextWaitAsync();
        }
    }

    /// <summary>Moves the clock to <paramref name="end"/>, waking the hosts in turn.</summary>
    public async Task RunUntilAsync(DateTimeOffset end)
    {
        while (true)
        {
            var alive = _hosts.Where(h => !h.Clock.IsDead && !h.Stopped).ToList();
            var next = alive.Count == 0 ? end : alive.Min(h => h.Due);
            if (next > end)
            {
                if (end > _time.GetUtcNow())
                {
                    _time.Advance(end - _time.GetUtcNow());
                }

                return;
            }

            if (next > _time.GetUtcNow())
            {
                _time.Advance(next - _time.GetUtcNow());
            }

            foreach (var host in alive.Where(h => h.Due <= next))
            {
                host.Due = await host.Clock.NextWaitAsync();
            }
        }
    }

    /// <summary>Gets the clock of a host, to set it off.</summary>
    public HostClock ClockOf(string name) => _hosts.Single(h => h.Name == name).Clock;

    /// <summary>Gets what the sweeper of a host logged.</summary>
    public ListLogger<SessionExpirySweeper> LogOf(string name) => _hosts.Single(h => h.Name == name).Log;

    /// <summary>Gets the services of a host (its health checks).</summary>
    public IServiceProvider ServicesOf(string name) => _hosts.Single(h => h.Name == name).Services;

    /// <summary>The host dies where it stands, holding whatever it holds.</summary>
    public void Kill(string name) => _hosts.Single(h => h.Name == name).Clock.Kill();

    /// <summary>The host stops cleanly, as on shutdown.</summary>
    public async Task StopAsync(string name)
    {
        var host = _hosts.Single(h => h.Name == name);
        host.Stopped = true;
        await host.Sweeper.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            if (!host.Stopped)
            {
                host.Stopped = true;
                await host.Sweeper.StopAsync(CancellationToken.None);
            }

            await host.Services.DisposeAsync();
        }

        _listener.Dispose();
    }

    private bool IsOurs(Activity activity) =>
        activity.OperationName == "ExpirySweep"
        && activity.GetTagItem("sessions.sweeper.instance") is string instance
        && instance.StartsWith(_prefix, StringComparison.Ordinal);

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class Host
    {
        public Host(string name, HostClock clock, Action<IServiceCollection> addStore, Action<SessionExpirySweeperOptions> configure)
        {
            Name = name;
            Clock = clock;
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<ILogger<SessionExpirySweeper>>(Log);
            addStore(services);
            services.AddSessionExpirySweeper(options =>
            {
                configure(options);
                options.InstanceName = name;
            });
            Services = services.BuildServiceProvider();
            Sweeper = Services.GetServices<IHostedService>().OfType<SessionExpirySweeper>().Single();
        }

        public string Name { get; }

        public HostClock Clock { get; }

        public ListLogger<SessionExpirySweeper> Log { get; } = new();

        public ServiceProvider Services { get; }

        public IHostedService Sweeper { get; }

        public DateTimeOffset Due { get; set; }

        public bool Stopped { get; set; }
    }
}
