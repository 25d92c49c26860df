using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Sessions.Tests.Diagnostics;

/// <summary>
/// What an application that follows the README gets from the OpenTelemetry SDK itself: with only
/// <c>AddSource(SessionDiagnostics.ActivitySourceName)</c> and <c>AddMeter(SessionDiagnostics.MeterName)</c>, every store
/// operation's span and duration measurement is exported, with the database conventions' attributes and the advised buckets.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public abstract class OpenTelemetryExportTests
{
    /// <summary>Every operation of <see cref="ISessionStore"/>, as <c>db.operation.name</c> names it.</summary>
    internal static readonly string[] EveryOperation =
    [
        "Create", "Get", "Update", "Delete", "Touch", "Revoke", "Expire",
        "FindActiveByServerInstance", "ListByUser", "ListByStatus", "ListByProfile", "ListByTimeRange",
    ];

    internal static readonly double[] AdvisedBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2035, 5, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>The <c>db.system.name</c> the store reports.</summary>
    protected abstract string System { get; }

    /// <summary>The table the store reports, or <see langword="null"/> for a store without one.</summary>
    protected abstract string? Table { get; }

    protected FakeTimeProvider Time => _time;

    protected abstract Task<ISessionStore> StoreAsync();

    [Fact]
    public async Task Every_operation_exports_one_span_and_one_duration_with_only_the_documented_source_and_meter()
    {
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        MetricSnapshot duration;
        var store = await StoreAsync();
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource(SessionDiagnostics.ActivitySourceName).AddInMemoryExporter(spans).Build())
        using (var meters = Sdk.CreateMeterProviderBuilder().AddMeter(SessionDiagnostics.MeterName).AddInMemoryExporter(metrics).Build())
        {
            await RunEveryOperationAsync(store);
            meters.ForceFlush();
            duration = metrics.Single(m => m.Name == "sessions.store.operation.duration");
        }

        var mine = spans.Where(s => (string?)s.GetTagItem("db.system.name") == System && (string?)s.GetTagItem("db.collection.name") == Table).ToList();
        mine.Select(s => (string)s.GetTagItem("db.operation.name")!).Distinct().Should().BeEquivalentTo(EveryOperation);
        var kind = Table is null ? ActivityKind.Internal : ActivityKind.Client;
        var suffix = Table is null ? string.Empty : " " + Table;
        mine.Should().OnlyContain(s => s.Kind == kind);
        mine.Should().OnlyContain(s => s.DisplayName == (string)s.GetTagItem("db.operation.name")! + suffix, "a span is named {db.operation.name} {db.collection.name}");
        if (Table is not null)
        {
            mine.Should().OnlyContain(s => ((string[])s.GetTagItem("aws.dynamodb.table_names")!).SequenceEqual(new[] { Table }));
        }

        var refused = mine.Single(s => (string?)s.GetTagItem("sessions.outcome") == "revoked");
        refused.Status.Should().Be(ActivityStatusCode.Error);
        refused.GetTagItem("error.type").Should().Be(typeof(SessionRevokedException).FullName);
        mine.Where(s => (string?)s.GetTagItem("sessions.outcome") == "success").Should().OnlyContain(s => s.GetTagItem("error.type") == null && s.Status == ActivityStatusCode.Unset);

        duration.Unit.Should().Be("s");
        duration.MetricType.Should().Be(MetricType.Histogram);
        var points = Points(duration).Where(p => (string?)p.Tags.GetValueOrDefault("db.system.name") == System && (string?)p.Tags.GetValueOrDefault("db.collection.name") == Table).ToList();
        points.Select(p => (string)p.Tags["db.operation.name"]!).Distinct().Should().BeEquivalentTo(EveryOperation);
        points.Should().OnlyContain(p => p.Bounds.SequenceEqual(AdvisedBuckets), "the SDK takes the instrument's bucket advice");
        points.Sum(p => p.Count).Should().Be(mine.Count, "one measurement per span");
        points.Should().Contain(p => (string?)p.Tags.GetValueOrDefault("sessions.outcome") == "revoked" && (string?)p.Tags.GetValueOrDefault("error.type") == typeof(SessionRevokedException).FullName);
    }

    /// <summary>Calls every operation once, and Touch once more on the revoked session (refused).</summary>
    internal static async Task RunEveryOperationAsync(ISessionStore store, DateTimeOffset now)
    {
        var key = Guid.NewGuid().ToString("N")[..12];
        var session = await store.CreateAsync(ServerSession.Start("u-" + key, "p-" + key, "i-" + key, "svc", TimeSpan.FromHours(1), now));
        await store.GetAsync(session.Id);
        await store.TouchAsync(session.Id);
        var updated = await store.UpdateAsync(session with { SourceIdentity = "other" });
        await store.FindActiveByServerInstanceAsync("i-" + key);
        await store.ListByUserAsync("u-" + key);
        await store.ListByStatusAsync(SessionStatus.Active, new PageRequest(1));
        await store.ListByProfileAsync("p-" + key);
        await store.ListByTimeRangeAsync(now, now.AddTicks(1));
        await store.RevokeAsync(updated.Id, "ops", "export");
        await FluentActions.Awaiting(() => store.TouchAsync(session.Id)).Should().ThrowAsync<SessionRevokedException>();
        var other = await store.CreateAsync(ServerSession.Start("u-" + key, "p-" + key, "j-" + key, "svc", TimeSpan.FromHours(1), now));
        await store.ExpireAsync(other.Id);
        await store.DeleteAsync(session.Id);
    }

    private Task RunEveryOperationAsync(ISessionStore store) => RunEveryOperationAsync(store, _time.GetUtcNow());

    /// <summary>The histogram points of <paramref name="metric"/>: tags, count and bucket bounds.</summary>
    internal static IEnumerable<(Dictionary<string, object?> Tags, long Count, double[] Bounds)> Points(MetricSnapshot metric)
    {
        foreach (var point in metric.MetricPoints)
        {
            var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value;
            }

            var bounds = new List<double>();
            foreach (var bucket in point.GetHistogramBuckets())
            {
                if (!double.IsPositiveInfinity(bucket.ExplicitBound))
                {
                    bounds.Add(bucket.ExplicitBound);
                }
            }

            yield return (tags, point.GetHistogramCount(), [.. bounds]);
        }
    }
}

public sealed class OpenTelemetryExportTestsInMemory : OpenTelemetryExportTests
{
    protected override string System => "sessions.in_memory";

    protected override string? Table => null;

    protected override Task<ISessionStore> StoreAsync() => Task.FromResult<ISessionStore>(new InMemorySessionStore(Time));
}

public abstract class OpenTelemetryExportTestsOnDynamoDb(DynamoDbServerFixture server) : OpenTelemetryExportTests
{
    private string? _table;

    protected override string System => "aws.dynamodb";

    protected override string? Table => _table;

    protected override async Task<ISessionStore> StoreAsync()
    {
        _table = await server.CreateTableAsync();
        return TestStores.DynamoDb(server.Client, _table, Time);
    }
}

public sealed class OpenTelemetryExportTestsOnDynalite(DynaliteFixture server) : OpenTelemetryExportTestsOnDynamoDb(server), IClassFixture<DynaliteFixture>;

public sealed class OpenTelemetryExportTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : OpenTelemetryExportTestsOnDynamoDb(server), IClassFixture<DynamoDbLocalFixture>;
