using System.Diagnostics;

namespace Sessions.Tests.Diagnostics;

/// <summary>
/// Both stores run their operations through the same instrumentation: the same calls give the same spans (one per
/// call, named by the operation and tagged with its outcome) and the same duration measurements, in memory and on DynamoDB.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public abstract class StoreTelemetryParityTests(DynamoDbServerFixture server) : IDisposable
{
    private static readonly ActivitySource TestSource = new("Sessions.Tests.Parity");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2035, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly StoreTelemetryRecorder _telemetry = new("Sessions.Tests.Parity");

    public void Dispose()
    {
        _telemetry.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task The_same_calls_give_the_same_spans_and_measurements_on_both_stores()
    {
        var table = await server.SharedTableAsync();
        var onDynamoDb = await RecordAsync(TestStores.DynamoDb(server.Client, table, _time));
        var inMemory = await RecordAsync(new InMemorySessionStore(_time));

        onDynamoDb.Spans.Should().HaveCount(15).And.Contain(("Touch", "revoked")).And.Contain(("Get", "not_found"));
        inMemory.Spans.Should().Equal(onDynamoDb.Spans);
        inMemory.Durations.Should().Equal(onDynamoDb.Durations);
        onDynamoDb.Durations.Should().Equal(onDynamoDb.Spans);
    }

    private async Task<(List<(string?, string?)> Spans, List<(string?, string?)> Durations)> RecordAsync(ISessionStore store)
    {
        _telemetry.Durations.Clear();
        using var parent = TestSource.StartActivity("parity")!;
        await OpenTelemetryExportTests.RunEveryOperationAsync(store, _time.GetUtcNow());
        await FluentActions.Awaiting(() => store.GetAsync(SessionId.New())).Should().ThrowAsync<SessionNotFoundException>();

        var spans = _telemetry.Spans.Where(s => s.TraceId == parent.TraceId && s.Source.Name == SessionDiagnostics.ActivitySourceName)
            .OrderBy(s => s.StartTimeUtc)
            .Select(s => ((string?)s.GetTagItem("db.operation.name"), (string?)s.GetTagItem("sessions.outcome")))
            .ToList();
        return (spans, _telemetry.Durations.Select(d => (d.Operation, d.Outcome)).ToList());
    }
}

public sealed class StoreTelemetryParityTestsOnDynalite(DynaliteFixture server) : StoreTelemetryParityTests(server), IClassFixture<DynaliteFixture>;

public sealed class StoreTelemetryParityTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : StoreTelemetryParityTests(server), IClassFixture<DynamoDbLocalFixture>;
