using System.Diagnostics;
using Sessions.Tests.Diagnostics;

namespace Sessions.Tests.DynamoDb;

/// <summary>A span and a duration measurement per operation, tagged with operation and outcome.</summary>
[Collection(TelemetryTestGroup.Name)]
public abstract class DynamoDbTelemetryTests(DynamoDbServerFixture server) : IAsyncLifetime, IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2034, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly StoreTelemetryRecorder _telemetry = new();
    private DynamoDbSessionStore _store = null!;

    public async Task InitializeAsync()
    {
        var table = await server.SharedTableAsync();
        _store = TestStores.DynamoDb(server.Client, table, _time);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _telemetry.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Each_operation_emits_one_span_and_one_duration_tagged_with_operation_and_outcome()
    {
        var session = await _store.CreateAsync(ServerSession.Start("tel", "tel", "tel-" + Guid.NewGuid().ToString("N"), "s", TimeSpan.FromHours(1), _time.GetUtcNow()));
        _telemetry.Spans.Clear();
        _telemetry.Durations.Clear();

        await _store.TouchAsync(session.Id);
        await _store.RevokeAsync(session.Id, "ops", "test");
        await FluentActions.Awaiting(() => _store.TouchAsync(session.Id)).Should().ThrowAsync<SessionRevokedException>();

        var spans = _telemetry.Spans.Where(s => (string?)s.GetTagItem("sessions.id") == session.Id).ToList();
        spans.Select(s => ((string?)s.GetTagItem("db.operation.name"), (string?)s.GetTagItem("sessions.outcome")))
            .Should().Equal(("Touch", "success"), ("Revoke", "success"), ("Touch", "revoked"));
        spans.Last().Status.Should().Be(ActivityStatusCode.Error);
        _telemetry.Durations.Select(d => (d.Operation, d.Outcome)).Should().Equal(("Touch", "success"), ("Revoke", "success"), ("Touch", "revoked"));
        _telemetry.Durations.Should().OnlyContain(d => d.Seconds > 0);
    }
}

public sealed class DynamoDbTelemetryTestsOnDynalite(DynaliteFixture server) : DynamoDbTelemetryTests(server), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbTelemetryTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : DynamoDbTelemetryTests(server), IClassFixture<DynamoDbLocalFixture>;
