using System.Net;
using System.Text.Json;
using Amazon.SecurityToken;
using Microsoft.Extensions.DependencyInjection;

namespace Sessions.Tests.Samples;

/// <summary>
/// The sample serves clients no one here wrote: the AWS SDK for .NET, botocore and the AWS CLI v2, each a child process
/// configured only by the two lines the server prints. For each client and each credential source (static keys with
/// and without a session token, a role through STS), the credentials arrive and sign a call to the test DynamoDB
/// server, and the session's RequestCount equals the credentials the server handed out; after <c>sessions revoke</c>
/// a new client is refused and shows the refusal.
/// </summary>
public abstract class RealClientTests(DynamoDbServerFixture server, ITestOutputHelper output)
{
    public enum Source
    {
        StaticKeysWithoutToken,
        StaticKeysWithToken,
        Role,
    }

    public static TheoryData<CredentialClientKind, Source> ClientsAndSources()
    {
        var data = new TheoryData<CredentialClientKind, Source>();
        foreach (var client in Enum.GetValues<CredentialClientKind>())
        {
            foreach (var source in Enum.GetValues<Source>())
            {
                data.Add(client, source);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ClientsAndSources))]
    public async Task The_client_gets_the_credentials_of_each_source_and_RequestCount_equals_the_credentials_served(CredentialClientKind client, Source source)
    {
        var sts = new FakeSecurityTokenService(TimeProvider.System);
        await using var credentialServer = await StartAsync(source, sts);

        var fetch = await CredentialClients.FetchAsync(client, credentialServer.ClientEnvironment(), server.Endpoint);

        output.WriteLine(fetch.Result.ToString());
        fetch.Succeeded.Should().BeTrue(fetch.Result.ToString());
        (fetch.AccessKeyId, fetch.Token).Should().Be(source switch
        {
            Source.StaticKeysWithoutToken => ("ASIASTATICNOTOKEN001", string.Empty),
            Source.StaticKeysWithToken => ("ASIASTATICWITHTOKEN1", "static-session-token"),
            _ => (FakeSecurityTokenService.AccessKeyId, FakeSecurityTokenService.SessionToken),
        });
        credentialServer.Served.Should().BePositive();
        var stored = await StoreOf(credentialServer).GetAsync(credentialServer.Session.Id);
        stored.RequestCount.Should().Be(credentialServer.Served, "every credential request the server answered was counted once, and no other");
        if (source == Source.Role)
        {
            sts.Requests.Should().NotBeEmpty().And.OnlyContain(r => r.RoleSessionName == credentialServer.Session.Id && r.DurationSeconds == 900,
                "role credentials last the default 15 minutes and are named after the session");
        }
    }

    [Theory]
    [InlineData(CredentialClientKind.DotNetSdk)]
    [InlineData(CredentialClientKind.Botocore)]
    [InlineData(CredentialClientKind.AwsCli)]
    public async Task After_sessions_revoke_a_new_client_is_refused_and_shows_the_refusal(CredentialClientKind client)
    {
        await using var credentialServer = await StartAsync(Source.StaticKeysWithToken, sts: null);
        (await CredentialClients.FetchAsync(client, credentialServer.ClientEnvironment(), server.Endpoint)).Succeeded.Should().BeTrue();
        var revoke = await ChildProcess.RunAsync(ChildProcess.SessionsCli,
        [
            "revoke", credentialServer.Session.Id, "--by", "ops@example.com", "--reason", "key leaked",
            "--endpoint", server.Endpoint.ToString(), "--table", credentialServer.Table,
        ]);
        revoke.ExitCode.Should().Be(0, revoke.ToString());
        var servedBefore = credentialServer.Served;

        var refused = await CredentialClients.FetchAsync(client, credentialServer.ClientEnvironment(), server.Endpoint);

        output.WriteLine(refused.Result.ToString());
        refused.Succeeded.Should().BeFalse();
        var shown = refused.Result.Out + refused.Result.Error;
        if (client == CredentialClientKind.DotNetSdk)
        {
            // The AWS SDK for .NET reports the status only, not the body.
            shown.Should().Contain("403");
        }
        else
        {
            shown.Should().Contain("403").And.Contain("\"code\":\"SessionRevoked\"").And.Contain("revoked by 'ops@example.com': key leaked");
        }

        credentialServer.Served.Should().Be(servedBefore);
        var stored = await StoreOf(credentialServer).GetAsync(credentialServer.Session.Id);
        stored.Status.Should().Be(SessionStatus.Revoked);
        stored.RequestCount.Should().Be(servedBefore, "refused requests are not counted");
    }

    [Fact]
    public async Task A_role_session_with_less_than_15_minutes_left_gets_403_SessionEndsTooSoon_and_no_STS_call()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sts = new FakeSecurityTokenService(clock);
        await using var credentialServer = await StartAsync(Source.Role, sts, ["--CredentialServer:SessionDuration", "00:20:00"], clock);
        using var http = new HttpClient();
        using (var first = await GetAsync(http, credentialServer))
        {
            first.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        // 9 minutes left: the set STS issued at the start (15 minutes, the default) is due for refresh, and STS issues nothing shorter than 15 minutes.
        clock.Advance(TimeSpan.FromMinutes(11));
        using var refused = await GetAsync(http, credentialServer);

        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("code").GetString().Should().Be("SessionEndsTooSoon");
        body.RootElement.GetProperty("message").GetString().Should().Contain(credentialServer.Session.Id).And.Contain("15 minutes");
        sts.Requests.Should().ContainSingle().Which.DurationSeconds.Should().Be(900);
    }

    private async Task<RunningCredentialServer> StartAsync(Source source, FakeSecurityTokenService? sts, IEnumerable<string>? more = null, TimeProvider? clock = null)
    {
        string[] settings = source switch
        {
            Source.StaticKeysWithoutToken => ["--CredentialServer:StaticCredentials:AccessKeyId", "ASIASTATICNOTOKEN001", "--CredentialServer:StaticCredentials:SecretAccessKey", "static-secret"],
            Source.StaticKeysWithToken =>
            [
                "--CredentialServer:StaticCredentials:AccessKeyId", "ASIASTATICWITHTOKEN1", "--CredentialServer:StaticCredentials:SecretAccessKey", "static-secret",
                "--CredentialServer:StaticCredentials:SessionToken", "static-session-token",
            ],
            _ => ["--CredentialServer:RoleArn", "arn:aws:iam::123456789012:role/read", "--CredentialServer:SourceIdentity", "alice"],
        };
        return await RunningCredentialServer.StartAsync(server, await server.SharedTableAsync(), [.. settings, .. more ?? []], services =>
        {
            if (sts is not null)
            {
                services.AddSingleton<IAmazonSecurityTokenService>(sts);
            }

            if (clock is not null)
            {
                services.AddSingleton(clock);
            }
        }, sourceFromSettings: true);
    }

    private static ISessionStore StoreOf(RunningCredentialServer credentialServer) => credentialServer.Services.GetRequiredService<ISessionStore>();

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, RunningCredentialServer credentialServer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, credentialServer.CredentialsUri);
        request.Headers.TryAddWithoutValidation("Authorization", credentialServer.Token);
        return await http.SendAsync(request);
    }
}

public sealed class RealClientTestsOnDynalite(DynaliteFixture server, ITestOutputHelper output) : RealClientTests(server, output), IClassFixture<DynaliteFixture>;

public sealed class RealClientTestsOnDynamoDbLocal(DynamoDbLocalFixture server, ITestOutputHelper output) : RealClientTests(server, output), IClassFixture<DynamoDbLocalFixture>;
