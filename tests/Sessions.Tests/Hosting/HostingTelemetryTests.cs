using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sessions.Hosting;
using Sessions.Hosting.Leases;
using Sessions.Tests.Diagnostics;

namespace Sessions.Tests.Hosting;

/// <summary>The sweeper and the health check emit spans, metrics and logs under the public names.</summary>
[Collection(TelemetryTestGroup.Name)]
public abstract class HostingTelemetryTests(DynamoDbServerFixture server) : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2035, 7, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ActivityListener _activityListener = new();
    private readonly MeterListener _meterListener = new();

    private void Listen()
    {
        _activityListener.ShouldListenTo = source => source.Name == SessionDiagnostics.ActivitySourceName;
        _activityListener.Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded;
        _activityListener.ActivityStopped = _spans.Enqueue;
        ActivitySource.AddActivityListener(_activityListener);
        _meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SessionDiagnostics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.Start();
    }

    public void Dispose()
    {
        _activityListener.Dispose();
        _meterListener.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_sweep_emits_a_span_metrics_and_logs()
    {
        Listen();
        var store = new InMemorySessionStore(_time);
        await store.CreateAsync(ServerSession.Start("tel", "tel", "tel", "s", TimeSpan.FromSeconds(1), _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(2));
        var logger = new ListLogger<SessionExpirySweeper>();
        var instance = "telemetry-" + Guid.NewGuid().ToString("N")[..8];
        var sweeper = new SessionExpirySweeper(store, InMemorySweepLease.For(store), Options.Create(new SessionExpirySweeperOptions { InstanceName = instance }), _time, logger);

        await sweeper.RunOnceAsync(default);

        var span = _spans.Single(s => s.OperationName == "ExpirySweep" && (string?)s.GetTagItem("sessions.sweeper.instance") == instance);
        span.GetTagItem("sessions.sweeper.fence").Should().Be(1L);
        span.GetTagItem("sessions.sweeper.expired").Should().Be(1);
        span.GetTagItem("sessions.outcome").Should().Be("success");
        _measurements.Should().Contain(m => m.Instrument == "sessions.sweeper.run.duration" && (string?)m.Tags["sessions.outcome"] == "success");
        _measurements.Should().Contain(m => m.Instrument == "sessions.sweeper.sessions.expired" && m.Value >= 1);
        _measurements.Should().Contain(m => m.Instrument == "sessions.sweeper.lease.taken");
        logger.Entries.Should().Contain(e => e.Id == 1 && e.Message.Contains(instance, StringComparison.Ordinal) && e.Message.Contains("fence 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_health_check_emits_a_span_and_a_duration_tagged_with_its_status()
    {
        Listen();
        var table = await server.SharedTableAsync();
        var store = TestStores.DynamoDb(server.Client, table, _time);
        var check = new SessionStoreHealthCheck(store, new SessionStoreHealthCheckOptions(), _time);

        await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("sessions", check, null, null) });

        var span = _spans.Single(s => s.OperationName == "HealthCheck" && (string?)s.GetTagItem("db.collection.name") == table);
        span.GetTagItem("sessions.health.status").Should().Be("healthy");
        _measurements.Should().Contain(m => m.Instrument == "sessions.health_check.duration" && (string?)m.Tags["sessions.health.status"] == "healthy");
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }
}

public sealed class HostingTelemetryTestsOnDynalite(DynaliteFixture server) : HostingTelemetryTests(server), IClassFixture<DynaliteFixture>;

public sealed class HostingTelemetryTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : HostingTelemetryTests(server), IClassFixture<DynamoDbLocalFixture>;
