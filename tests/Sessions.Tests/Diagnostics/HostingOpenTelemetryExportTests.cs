using System.Diagnostics;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Sessions.Hosting;
using Sessions.Hosting.Leases;

namespace Sessions.Tests.Diagnostics;

/// <summary>The hosting package's spans and instruments reach the OpenTelemetry SDK through the same documented source and meter.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class HostingOpenTelemetryExportTests
{
    private static readonly double[] SweepBuckets = [.. OpenTelemetryExportTests.AdvisedBuckets, 30, 60, 120];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2035, 8, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_sweep_exports_its_span_duration_and_counts_with_only_the_documented_source_and_meter()
    {
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        var store = new InMemorySessionStore(_time);
        await store.CreateAsync(ServerSession.Start("sweep", "p", "i-sweep", "s", TimeSpan.FromSeconds(1), _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(2));
        var instance = "export-" + Guid.NewGuid().ToString("N")[..8];
        var sweeper = new SessionExpirySweeper(store, InMemorySweepLease.For(store), Options.Create(new SessionExpirySweeperOptions { InstanceName = instance }), _time);

        using (Sdk.CreateTracerProviderBuilder().AddSource(SessionDiagnostics.ActivitySourceName).AddInMemoryExporter(spans).Build())
        using (var meters = Sdk.CreateMeterProviderBuilder().AddMeter(SessionDiagnostics.MeterName).AddInMemoryExporter(metrics).Build())
        {
            await sweeper.RunOnceAsync(default);
            meters.ForceFlush();
        }

        spans.Should().ContainSingle(s => s.DisplayName == "ExpirySweep" && (string?)s.GetTagItem("sessions.sweeper.instance") == instance);
        spans.Should().Contain(s => (string?)s.GetTagItem("db.operation.name") == "Update", "the store's spans of the run are exported beside it");
        var duration = metrics.First(m => m.Name == "sessions.sweeper.run.duration");
        duration.Unit.Should().Be("s");
        OpenTelemetryExportTests.Points(duration).Should().Contain(p => (string?)p.Tags["sessions.outcome"] == "success")
            .And.OnlyContain(p => p.Bounds.SequenceEqual(SweepBuckets));
        metrics.Should().Contain(m => m.Name == "sessions.sweeper.sessions.expired").And.Contain(m => m.Name == "sessions.sweeper.lease.taken");
    }

    [Fact]
    public void A_run_records_the_sessions_it_read_expired_and_failed_on_tagged_with_its_outcome()
    {
        var metrics = new List<MetricSnapshot>();
        using (var meters = Sdk.CreateMeterProviderBuilder().AddMeter(SessionDiagnostics.MeterName).AddInMemoryExporter(metrics).Build())
        {
            SessionHostingTelemetry.RecordSweep(SessionHostingTelemetry.Outcomes.LeaseLost, read: 7, expired: 3, failed: 2, Stopwatch.GetTimestamp());
            meters.ForceFlush();
        }

        Sum("sessions.sweeper.sessions.read").Should().Be(7);
        Sum("sessions.sweeper.sessions.expired").Should().Be(3);
        Sum("sessions.sweeper.sessions.failed").Should().Be(2);
        metrics.Where(m => m.Name.StartsWith("sessions.sweeper.sessions.", StringComparison.Ordinal)).Should().OnlyContain(m => m.Unit == "{session}");
        OpenTelemetryExportTests.Points(metrics.First(m => m.Name == "sessions.sweeper.run.duration"))
            .Should().ContainSingle(p => (string?)p.Tags["sessions.outcome"] == "lease_lost" && p.Count == 1);

        long Sum(string name) => metrics.First(m => m.Name == name).MetricPoints
            .Where(p => Tags(p).GetValueOrDefault("sessions.outcome") is "lease_lost")
            .Sum(p => p.GetSumLong());
    }

    [Fact]
    public void A_health_check_duration_carries_the_advised_buckets()
    {
        var metrics = new List<MetricSnapshot>();
        using (var meters = Sdk.CreateMeterProviderBuilder().AddMeter(SessionDiagnostics.MeterName).AddInMemoryExporter(metrics).Build())
        {
            SessionHostingTelemetry.RecordHealthCheck("healthy", Stopwatch.GetTimestamp());
            meters.ForceFlush();
        }

        OpenTelemetryExportTests.Points(metrics.First(m => m.Name == "sessions.health_check.duration"))
            .Should().Contain(p => (string?)p.Tags["sessions.health.status"] == "healthy")
            .And.OnlyContain(p => p.Bounds.SequenceEqual(OpenTelemetryExportTests.AdvisedBuckets));
    }

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return tags;
    }
}
