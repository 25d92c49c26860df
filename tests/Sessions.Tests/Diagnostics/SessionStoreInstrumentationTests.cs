using System.Diagnostics;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Sessions.Tests.Hosting;

namespace Sessions.Tests.Diagnostics;

/// <summary>The wrapper every store operation runs in: outcomes, the store's fault hook, and a log event only for a provider fault.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class SessionStoreInstrumentationTests : IDisposable
{
    private const string Id = "0123456789abcdef";
    private readonly ListLogger<SessionStoreInstrumentationTests> _logger = new();
    private readonly StoreTelemetryRecorder _telemetry = new();
    private readonly List<Exception> _hooked = [];
    private readonly SessionStoreInstrumentation _instrumentation;

    public SessionStoreInstrumentationTests()
    {
        _instrumentation = new SessionStoreInstrumentation("sessions", _logger, (operation, id, ex) =>
        {
            _hooked.Add(ex);
            return ex is IOException or AmazonServiceException ? new SessionStoreException($"{operation} failed", id, operation, "sessions", ex) : null;
        });
    }

    public void Dispose() => _telemetry.Dispose();

    [Fact]
    public async Task A_success_is_one_span_and_one_measurement_and_no_log_event()
    {
        (await _instrumentation.RunAsync("Touch", Id, _ => Task.FromResult(7), CancellationToken.None)).Should().Be(7);

        Outcomes().Should().Equal("success");
        _logger.Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task A_provider_fault_becomes_the_hooks_exception_and_is_logged_once_as_event_1()
    {
        var fault = new IOException("reset");

        var error = (await FluentActions.Awaiting(() => _instrumentation.RunAsync<int>("Get", Id, _ => throw fault, CancellationToken.None))
            .Should().ThrowExactlyAsync<SessionStoreException>()).Which;

        error.InnerException.Should().BeSameAs(fault);
        Outcomes().Should().Equal("error");
        _logger.Entries.Should().ContainSingle().Which.Should().Match<(int Id, LogLevel Level, string Message)>(e => e.Id == 1 && e.Level == LogLevel.Warning && e.Message.Contains(Id));
    }

    [Fact]
    public async Task A_provider_fault_reports_the_providers_exception_as_error_type_and_its_error_code_as_the_response_status_code()
    {
        var throttled = new AmazonDynamoDBException("Rate exceeded") { ErrorCode = "ProvisionedThroughputExceededException" };

        await FluentActions.Awaiting(() => _instrumentation.RunAsync<int>("Touch", Id, _ => throw throttled, CancellationToken.None))
            .Should().ThrowExactlyAsync<SessionStoreException>();

        var span = _telemetry.Spans.Single(s => (string?)s.GetTagItem("sessions.id") == Id);
        span.GetTagItem("error.type").Should().Be("Amazon.DynamoDBv2.AmazonDynamoDBException", "the cause, not the wrapper");
        span.GetTagItem("db.response.status_code").Should().Be("ProvisionedThroughputExceededException");
        span.GetTagItem("sessions.outcome").Should().Be("error");
        span.Status.Should().Be(ActivityStatusCode.Error);
    }

    [Fact]
    public async Task Spans_carry_the_database_conventions_attributes_of_a_DynamoDB_table_from_their_start()
    {
        var seenAtStart = new List<KeyValuePair<string, object?>>();
        using var sampler = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SessionDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
            {
                if (options.Tags is { } tags && tags.Any(t => t.Key == "db.operation.name" && (string?)t.Value == "Get"))
                {
                    lock (seenAtStart)
                    {
                        seenAtStart.AddRange(tags);
                    }
                }

                return ActivitySamplingResult.AllDataAndRecorded;
            },
        };
        ActivitySource.AddActivityListener(sampler);

        await _instrumentation.RunAsync("Get", Id, _ => Task.FromResult(1), CancellationToken.None);

        seenAtStart.Select(t => t.Key).Should().BeEquivalentTo("db.system.name", "db.operation.name", "db.collection.name", "aws.dynamodb.table_names");
        var span = _telemetry.Spans.Single(s => (string?)s.GetTagItem("sessions.id") == Id);
        span.DisplayName.Should().Be("Get sessions");
        span.Kind.Should().Be(ActivityKind.Client);
        span.GetTagItem("db.system.name").Should().Be("aws.dynamodb");
        span.GetTagItem("db.collection.name").Should().Be("sessions");
        span.GetTagItem("aws.dynamodb.table_names").Should().BeEquivalentTo(new[] { "sessions" });
        span.GetTagItem("error.type").Should().BeNull();
    }

    [Fact]
    public async Task A_store_error_the_hook_lets_pass_keeps_its_type_and_outcome_without_a_log_event()
    {
        await FluentActions.Awaiting(() => _instrumentation.RunAsync<int>("Touch", Id, _ => throw new SessionRevokedException(Id, "ops", "leak"), CancellationToken.None))
            .Should().ThrowExactlyAsync<SessionRevokedException>();

        Outcomes().Should().Equal("revoked");
        _logger.Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task The_callers_cancellation_passes_unmapped_and_never_reaches_the_hook()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(() => _instrumentation.RunAsync("Get", Id, ct => Task.FromCanceled<int>(ct), cancelled.Token))
            .Should().ThrowAsync<OperationCanceledException>();

        _hooked.Should().BeEmpty();
        Outcomes().Should().Equal("cancelled");
    }

    [Fact]
    public async Task In_place_a_success_is_a_completed_task_with_one_span_and_no_log_event()
    {
        var task = _instrumentation.RunInPlace("Touch", Id, () => 7, CancellationToken.None);

        task.IsCompletedSuccessfully.Should().BeTrue();
        (await task).Should().Be(7);
        Outcomes().Should().Equal("success");
        _logger.Entries.Should().BeEmpty();
    }

    [Fact]
    public void In_place_a_store_error_is_a_faulted_task_never_a_throw_and_never_reaches_the_hook()
    {
        var refusal = new SessionExpiredException(Id, DateTimeOffset.UnixEpoch);

        var task = _instrumentation.RunInPlace<int>("Touch", Id, () => throw refusal, CancellationToken.None);

        task.IsFaulted.Should().BeTrue();
        task.Exception!.InnerException.Should().BeSameAs(refusal);
        _hooked.Should().BeEmpty();
        Outcomes().Should().Equal("expired");
        _logger.Entries.Should().BeEmpty();
    }

    [Fact]
    public void In_place_a_cancelled_caller_gets_a_cancelled_task_and_the_body_never_runs()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var ran = false;

        var task = _instrumentation.RunInPlace("Get", Id, () => ran = true, cancelled.Token);

        task.IsCanceled.Should().BeTrue();
        ran.Should().BeFalse();
        Outcomes().Should().Equal("cancelled");
    }

    private IEnumerable<string?> Outcomes() =>
        _telemetry.Spans.Where(s => (string?)s.GetTagItem("sessions.id") == Id).Select(s => (string?)s.GetTagItem("sessions.outcome"));
}
