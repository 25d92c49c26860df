using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moq;

namespace Sessions.Tests.Readme;

/// <summary>
/// The credential endpoint of the README's "Running inside a host" example, served by Kestrel on a loopback port:
/// every answer of the store maps to its status, and none carries an exception or a stack trace.
/// </summary>
public sealed class HostingExampleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2035, 9, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task The_README_example_is_the_endpoint_tested_here()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(LocalServerProcess.FindRepositoryRoot(), "README.md"));
        var example = readme[readme.IndexOf("## Running inside a host", StringComparison.Ordinal)..];

        foreach (var line in HandlerLines)
        {
            example.Should().Contain(line);
        }
    }

    [Fact]
    public async Task Each_answer_of_the_store_has_its_status()
    {
        var store = new InMemorySessionStore(_time);
        var active = await store.CreateAsync(ServerSession.Start("alice", "p", "i-a", "s", TimeSpan.FromHours(1), _time.GetUtcNow()));
        var revoked = await store.CreateAsync(ServerSession.Start("bob", "p", "i-b", "s", TimeSpan.FromHours(1), _time.GetUtcNow()));
        await store.RevokeAsync(revoked.Id, "ops", "test");

        await using var app = await ServeAsync(store);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        (await StatusAsync(http, active.Id)).Should().Be(HttpStatusCode.OK);
        (await StatusAsync(http, revoked.Id)).Should().Be(HttpStatusCode.Forbidden);
        (await StatusAsync(http, SessionId.New())).Should().Be(HttpStatusCode.NotFound);
        (await store.GetAsync(active.Id)).RequestCount.Should().Be(1);
    }

    [Theory]
    [InlineData("not-a-session-id")]
    [InlineData("0123456789ABCDEF")]
    [InlineData("0123456789abcdef0")]
    public async Task A_malformed_session_id_answers_400_without_a_stack_trace(string id)
    {
        await using var app = await ServeAsync(new InMemorySessionStore(_time));
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var response = await http.GetAsync(new Uri("/credentials/" + id, UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        await NoExceptionIn(response);
    }

    [Fact]
    public async Task A_store_failure_answers_503_without_a_stack_trace()
    {
        var failing = new Mock<ISessionStore>();
        failing.Setup(s => s.TouchAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SessionStoreException("DynamoDB Touch on table 'sessions' failed: throttled", "0123456789abcdef", "Touch", "sessions", new HttpRequestException("reset")));
        await using var app = await ServeAsync(failing.Object);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var response = await http.GetAsync(new Uri("/credentials/0123456789abcdef", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        await NoExceptionIn(response);
    }

    /// <summary>The lines of the README's handler that decide the statuses.</summary>
    private static readonly string[] HandlerLines =
    [
        "catch (ArgumentException)",
        """return Results.Problem("Not a session id.", statusCode: StatusCodes.Status400BadRequest);""",
        "catch (SessionNotActiveException)",
        """return Results.Problem("The session may not serve.", statusCode: StatusCodes.Status403Forbidden);""",
        "catch (SessionNotFoundException)",
        """return Results.Problem("No such session.", statusCode: StatusCodes.Status404NotFound);""",
        "catch (SessionStoreException)",
        """return Results.Problem("The session store is unavailable; try again.", statusCode: StatusCodes.Status503ServiceUnavailable);""",
    ];

    /// <summary>The README's handler, line for line.</summary>
    private static async Task<IResult> TouchAsync(string sessionId, ISessionStore store, CancellationToken cancellationToken)
    {
        try
        {
            await store.TouchAsync(sessionId, cancellationToken);
            return Results.Ok(new { sessionId });
        }
        catch (ArgumentException)
        {
            return Results.Problem("Not a session id.", statusCode: StatusCodes.Status400BadRequest);
        }
        catch (SessionNotActiveException)
        {
            return Results.Problem("The session may not serve.", statusCode: StatusCodes.Status403Forbidden);
        }
        catch (SessionNotFoundException)
        {
            return Results.Problem("No such session.", statusCode: StatusCodes.Status404NotFound);
        }
        catch (SessionStoreException)
        {
            return Results.Problem("The session store is unavailable; try again.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<WebApplication> ServeAsync(ISessionStore store)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(store);
        var app = builder.Build();
        app.MapGet("/credentials/{sessionId}", TouchAsync);
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string id)
    {
        using var response = await http.GetAsync(new Uri("/credentials/" + id, UriKind.Relative));
        await NoExceptionIn(response);
        return response.StatusCode;
    }

    private static async Task NoExceptionIn(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        body.Should().NotContain("Exception").And.NotContain(" at ", "no stack trace reaches the client");
    }
}
