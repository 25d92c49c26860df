using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Sessions.Tests.Diagnostics;

/// <summary>
/// Store spans inside an ASP.NET Core request, on a real Kestrel server on a loopback port, with the tracing set-up the
/// README gives. ASP.NET Core starts an activity for every request whenever logging is on; unless the request itself
/// is traced, that activity is not sampled, and OpenTelemetry's default (parent-based) sampler then drops every span
/// started under it, the store's included.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class AspNetCoreTracingTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2035, 6, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task With_the_READMEs_AddAspNetCoreInstrumentation_a_Touch_inside_a_request_is_exported_as_a_child_of_the_request_span()
    {
        var (spans, requests) = await TouchThroughKestrelAsync(tracing => tracing.AddAspNetCoreInstrumentation());

        requests.Should().Be(1);
        var request = spans.Single(s => s.Kind == ActivityKind.Server);
        var touch = spans.Single(s => (string?)s.GetTagItem("db.operation.name") == "Touch");
        touch.TraceId.Should().Be(request.TraceId);
        touch.ParentSpanId.Should().Be(request.SpanId);
        touch.GetTagItem("sessions.outcome").Should().Be("success");
    }

    [Fact]
    public async Task Without_it_the_default_sampler_drops_the_Touch_span_under_the_unsampled_request_activity()
    {
        var (spans, requests) = await TouchThroughKestrelAsync(_ => { });

        requests.Should().Be(1, "the request reached the store");
        spans.Should().Contain(s => (string?)s.GetTagItem("db.operation.name") == "Create", "a call outside a request is exported");
        spans.Should().NotContain(s => (string?)s.GetTagItem("db.operation.name") == "Touch");
    }

    /// <summary>
    /// Serves one touch request on Kestrel with <c>AddSource(SessionDiagnostics.ActivitySourceName)</c> plus
    /// <paramref name="configure"/>, and returns the exported spans and the session's request count.
    /// </summary>
    private async Task<(List<Activity> Spans, long Requests)> TouchThroughKestrelAsync(Action<TracerProviderBuilder> configure)
    {
        var spans = new List<Activity>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(new QuietLoggerProvider());
        builder.Services.AddSingleton<TimeProvider>(_time).AddInMemorySessionStore();
        builder.Services.AddOpenTelemetry().WithTracing(tracing =>
        {
            tracing.AddSource(SessionDiagnostics.ActivitySourceName);
            configure(tracing);
            tracing.AddInMemoryExporter(spans);
        });

        string id;
        await using (var app = builder.Build())
        {
            app.MapPost("/sessions/{id}/touch", async (string id, ISessionStore store, CancellationToken cancellationToken) =>
            {
                await store.TouchAsync(id, cancellationToken);
                return Results.NoContent();
            });
            await app.StartAsync();

            var sessions = app.Services.GetRequiredService<ISessionStore>();
            id = (await sessions.CreateAsync(ServerSession.Start("alice", "prod-read", "i-" + Guid.NewGuid().ToString("N")[..8], "alice", TimeSpan.FromHours(1), _time.GetUtcNow()))).Id;
            using (var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) })
            {
                using var response = await http.PostAsync(new Uri($"/sessions/{id}/touch", UriKind.Relative), content: null);
                response.StatusCode.Should().Be(HttpStatusCode.NoContent);
            }

            // Stopping waits for the request to end, so its span has ended too.
            await app.StopAsync();
            return (spans.ToList(), (await sessions.GetAsync(id)).RequestCount);
        }
    }

    /// <summary>Logging that is on, as in any application (ASP.NET Core then starts an activity per request), and writes nowhere.</summary>
    private sealed class QuietLoggerProvider : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }

        public void Dispose()
        {
        }
    }
}
