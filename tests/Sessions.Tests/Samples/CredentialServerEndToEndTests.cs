using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Samples.CredentialServer.Credentials;

namespace Sessions.Tests.Samples;

/// <summary>
/// The sample credential server end to end: it runs in this process against a test DynamoDB server, and its clients
/// are the AWS SDK for .NET's own container credentials provider in child processes, configured only by
/// <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> and <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c>; operators revoke with the
/// built <c>sessions</c> tool, also a child process.
/// </summary>
public abstract class CredentialServerEndToEndTests(DynamoDbServerFixture server, ITestOutputHelper output)
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task An_SDK_client_gets_the_credentials_and_each_request_is_counted_on_the_session()
    {
        await using var credentialServer = await StartAsync();

        var result = await credentialServer.FetchWithSdkAsync(count: 3);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Lines.Should().HaveCount(3).And.OnlyContain(line => line == "ok " + RunningCredentialServer.AccessKeyId);
        var stored = await StoreOf(credentialServer).GetAsync(credentialServer.Session.Id);
        stored.Status.Should().Be(SessionStatus.Active);
        stored.RequestCount.Should().Be(3);
        stored.LastAccessAt.Should().BeAfter(credentialServer.Session.StartedAt);
        stored.Profile.Should().Be("prod-read");
        stored.SourceIdentity.Should().Be("alice@example.com");
    }

    [Fact]
    public async Task The_answer_is_the_container_credentials_document_with_an_ISO_8601_expiration()
    {
        await using var credentialServer = await StartAsync();

        using var response = await GetAsync(credentialServer, credentialServer.Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("AccessKeyId").GetString().Should().Be(RunningCredentialServer.AccessKeyId);
        body.RootElement.GetProperty("SecretAccessKey").GetString().Should().Be("sample-secret");
        body.RootElement.GetProperty("Token").GetString().Should().Be("sample-session-token");
        body.RootElement.GetProperty("Expiration").GetString().Should().MatchRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$");
    }

    [Fact]
    public async Task After_sessions_revoke_the_next_refresh_fails_with_the_servers_error()
    {
        await using var credentialServer = await StartAsync();
        (await credentialServer.FetchWithSdkAsync()).ExitCode.Should().Be(0);

        var revoke = await ChildProcess.RunAsync(ChildProcess.SessionsCli,
        [
            "revoke", credentialServer.Session.Id, "--by", "ops@example.com", "--reason", "key leaked",
            "--endpoint", server.Endpoint.ToString(), "--table", credentialServer.Table,
        ]);
        revoke.ExitCode.Should().Be(0, revoke.ToString());

        var refused = await credentialServer.FetchWithSdkAsync();
        output.WriteLine(refused.Out);
        refused.ExitCode.Should().Be(1, refused.ToString());
        refused.Lines.Should().ContainSingle().Which.Should().StartWith("error ").And.Contain("403");
        using var response = await GetAsync(credentialServer, credentialServer.Token);
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await ErrorCodeAsync(response)).Should().Be("SessionRevoked");

        var stored = await StoreOf(credentialServer).GetAsync(credentialServer.Session.Id);
        stored.Status.Should().Be(SessionStatus.Revoked);
        stored.RevokedBy.Should().Be("ops@example.com");
        stored.RequestCount.Should().Be(1, "refused requests are not counted");
    }

    [Fact]
    public async Task Sixteen_concurrent_SDK_clients_lose_no_count()
    {
        const int Clients = 16;
        const int FetchesEach = 5;
        await using var credentialServer = await StartAsync();
        var clock = Stopwatch.StartNew();

        var results = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => credentialServer.FetchWithSdkAsync(FetchesEach)));

        results.Should().OnlyContain(r => r.ExitCode == 0, string.Join("\n", results.Select(r => r.ToString())));
        var served = results.Sum(r => r.Lines.Count(line => line.StartsWith("ok ", StringComparison.Ordinal)));
        served.Should().Be(Clients * FetchesEach);
        var stored = await StoreOf(credentialServer).GetAsync(credentialServer.Session.Id);
        output.WriteLine($"{Clients} client processes, {served} credentials served in {clock.Elapsed.TotalSeconds:F1} s; stored RequestCount {stored.RequestCount}");
        stored.RequestCount.Should().Be(served);
    }

    [Fact]
    public async Task A_wrong_or_missing_token_is_refused_and_touches_nothing()
    {
        await using var credentialServer = await StartAsync();

        var withoutToken = credentialServer.ClientEnvironment();
        withoutToken.Remove("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        // The SDK retries a refusal with backoff for a few seconds: both clients run at once.
        var clients = await Task.WhenAll(
            credentialServer.FetchWithSdkAsync(environment: credentialServer.ClientEnvironment(token: credentialServer.Token + "x")),
            credentialServer.FetchWithSdkAsync(environment: withoutToken));
        var (wrong, missing) = (clients[0], clients[1]);
        using var bearer = await GetAsync(credentialServer, "Bearer " + credentialServer.Token);
        using var prefix = await GetAsync(credentialServer, credentialServer.Token[..^1]);
        using var none = await GetAsync(credentialServer, authorization: null);

        wrong.ExitCode.Should().Be(1, wrong.ToString());
        wrong.Out.Should().Contain("401");
        missing.ExitCode.Should().Be(1, missing.ToString());
        missing.Out.Should().Contain("401");
        foreach (var response in new[] { bearer, prefix, none })
        {
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await ErrorCodeAsync(response)).Should().Be("Unauthorized");
        }

        var untouched = await StoreOf(credentialServer).GetAsync(credentialServer.Session.Id);
        untouched.RequestCount.Should().Be(0);
        untouched.LastAccessAt.Should().Be(credentialServer.Session.LastAccessAt);

        // The same server counts a request with the right token, so the zero above is the refusal's doing.
        (await credentialServer.FetchWithSdkAsync()).ExitCode.Should().Be(0);
        (await StoreOf(credentialServer).GetAsync(credentialServer.Session.Id)).RequestCount.Should().Be(1);
    }

    [Fact]
    public async Task The_session_lasts_at_most_MaxSessionDuration_and_once_expired_requests_get_403_SessionExpired()
    {
        // A clock that runs ahead of real time, as the test servers' TTL requires.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var credentialServer = await StartAsync(
            ["--CredentialServer:SessionDuration", "08:00:00", "--CredentialServer:MaxSessionDuration", "01:00:00"],
            services => services.AddSingleton<TimeProvider>(clock),
            table: await server.CreateTableAsync());
        (credentialServer.Session.ExpiresAt - credentialServer.Session.StartedAt).Should().Be(TimeSpan.FromHours(1));
        (await credentialServer.FetchWithSdkAsync()).ExitCode.Should().Be(0);

        clock.Advance(TimeSpan.FromHours(1));
        using var response = await GetAsync(credentialServer, credentialServer.Token);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await ErrorCodeAsync(response)).Should().Be("SessionExpired");
        var refused = await credentialServer.FetchWithSdkAsync();
        refused.ExitCode.Should().Be(1, refused.ToString());
        (await StoreOf(credentialServer).GetAsync(credentialServer.Session.Id)).RequestCount.Should().Be(1);
    }

    [Fact]
    public async Task Healthz_reports_the_table_and_once_it_is_gone_healthz_and_credential_requests_answer_503()
    {
        var table = await server.CreateTableAsync();
        await using var credentialServer = await StartAsync(table: table);
        using (var healthy = await s_http.GetAsync(credentialServer.HealthUri))
        {
            healthy.StatusCode.Should().Be(HttpStatusCode.OK);
            (await healthy.Content.ReadAsStringAsync()).Should().Be("Healthy");
        }

        await server.Client.DeleteTableAsync(table);

        // The health check reuses a result for 5 s (a flood of probes costs one DescribeTable per period): ask until the
        // cached Healthy has aged out, within a bound.
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(15);
        HttpResponseMessage unhealthy;
        while ((unhealthy = await s_http.GetAsync(credentialServer.HealthUri)).StatusCode == HttpStatusCode.OK && DateTimeOffset.UtcNow < deadline)
        {
            unhealthy.Dispose();
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        using var _ = unhealthy;
        unhealthy.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await unhealthy.Content.ReadAsStringAsync()).Should().Be("Unhealthy");
        using var response = await GetAsync(credentialServer, credentialServer.Token);
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await ErrorCodeAsync(response)).Should().Be("SessionStoreUnavailable");
    }

    [Fact]
    public async Task The_servers_sweeper_expires_the_stale_session_of_a_server_that_died()
    {
        var table = await server.CreateTableAsync();
        var now = DateTimeOffset.UtcNow;
        var store = new Sessions.DynamoDb.DynamoDbSessionStore(server.CreateClient(), Microsoft.Extensions.Options.Options.Create(new Sessions.DynamoDb.DynamoDbSessionStoreOptions { TableName = table }));
        var dead = await store.CreateAsync(ServerSession.Start("crashed", "prod-read", "dead-instance", string.Empty, TimeSpan.FromMinutes(1), now.AddMinutes(-2)));

        await using var credentialServer = await StartAsync(["--SessionSweeper:MaxStartDelay", "00:00:00"], table: table);

        // The sweeper is a background service: wait for its first run, within a bounded time.
        var waited = Stopwatch.StartNew();
        ServerSession swept;
        while ((swept = await store.GetAsync(dead.Id)).Status == SessionStatus.Active && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        output.WriteLine($"swept after {waited.ElapsedMilliseconds} ms");
        swept.Status.Should().Be(SessionStatus.Expired);
        (await store.GetAsync(credentialServer.Session.Id)).Status.Should().Be(SessionStatus.Active, "the server's own session has not expired");
    }

    [Fact]
    public async Task A_session_whose_record_is_gone_is_refused_403_SessionNotFound()
    {
        await using var credentialServer = await StartAsync();
        await StoreOf(credentialServer).DeleteAsync(credentialServer.Session.Id);

        using var response = await GetAsync(credentialServer, credentialServer.Token);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await ErrorCodeAsync(response)).Should().Be("SessionNotFound");
    }

    [Fact]
    public async Task A_failing_credential_source_is_answered_502_after_the_touch()
    {
        await using var credentialServer = await StartAsync(services: services => services.AddSingleton<ICredentialSource>(new FailingCredentialSource()));

        using var response = await GetAsync(credentialServer, credentialServer.Token);

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await ErrorCodeAsync(response)).Should().Be("CredentialsUnavailable");
        (await StoreOf(credentialServer).GetAsync(credentialServer.Session.Id)).RequestCount.Should().Be(1, "the session was checked, and counted, before the source was asked");
    }

    [Fact]
    public async Task A_graceful_shutdown_expires_the_session_and_a_revoked_one_stays_revoked()
    {
        var first = await StartAsync();
        await first.StopAsync();
        (await StoreOf(first).GetAsync(first.Session.Id)).Status.Should().Be(SessionStatus.Expired);
        await first.DisposeAsync();

        await using var second = await StartAsync();
        await StoreOf(second).RevokeAsync(second.Session.Id, "ops@example.com", "test");
        await second.StopAsync();
        (await StoreOf(second).GetAsync(second.Session.Id)).Status.Should().Be(SessionStatus.Revoked);
    }

    private async Task<RunningCredentialServer> StartAsync(
        IEnumerable<string>? settings = null, Action<IServiceCollection>? services = null, string? table = null) =>
        await RunningCredentialServer.StartAsync(server, table ?? await server.SharedTableAsync(), settings, services);

    private static ISessionStore StoreOf(RunningCredentialServer credentialServer) => credentialServer.Services.GetRequiredService<ISessionStore>();

    private static async Task<HttpResponseMessage> GetAsync(RunningCredentialServer credentialServer, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, credentialServer.CredentialsUri);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await s_http.SendAsync(request);
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType.Should().BeEquivalentTo(new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" });
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace();
        return body.RootElement.GetProperty("code").GetString();
    }
}

internal sealed class FailingCredentialSource : ICredentialSource
{
    public Task<ContainerCredentials> GetCredentialsAsync(ServerSession session, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The role cannot be assumed.");
}

public sealed class CredentialServerEndToEndTestsOnDynalite(DynaliteFixture server, ITestOutputHelper output) : CredentialServerEndToEndTests(server, output), IClassFixture<DynaliteFixture>;

public sealed class CredentialServerEndToEndTestsOnDynamoDbLocal(DynamoDbLocalFixture server, ITestOutputHelper output) : CredentialServerEndToEndTests(server, output), IClassFixture<DynamoDbLocalFixture>;
