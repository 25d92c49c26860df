using System.Net;
using System.Text.Json;
using Amazon.Runtime;

namespace Sessions.Tests.Samples;

/// <summary>
/// The built sample as a process, the way a sidecar runs: it refuses bad settings with a message and an exit code
/// (never an abort), finds its configuration beside its binary whatever the working directory, and survives an
/// outage of DynamoDB — failing closed with 503 while it lasts, serving again after it — without ever exiting.
/// </summary>
public sealed class CredentialServerProcessTests(ITestOutputHelper output)
{
    private const string StaticKeys = "--CredentialServer:StaticCredentials:AccessKeyId=ASIAOUTAGETESTKEY001";
    private const string StaticSecret = "--CredentialServer:StaticCredentials:SecretAccessKey=outage-secret";

    public static TheoryData<string[], string[]> BadSettings() => new()
    {
        { ["--CredentialServer:SessionDuration=-1"], ["CredentialServer:SessionDuration: must be between 1 minute and 30 days"] },
        { ["--CredentialServer:SessionDuration=10675199.02:48:05"], ["CredentialServer:SessionDuration: must be between 1 minute and 30 days"] },
        { ["--CredentialServer:SessionDuration=banana"], ["'banana' at 'CredentialServer:SessionDuration'"] },
        { ["--CredentialServer:RoleCredentialsDuration=01:00:00"], ["RoleCredentialsDuration"] },
        { ["--CredentialServer:AuthorizationToken= 0123456789abcdef"], ["CredentialServer:AuthorizationToken: must not begin or end with white space"] },
        { ["--urls=http://0.0.0.0:9911"], ["Urls: 'http://0.0.0.0:9911' is plain HTTP on an address other than loopback", "CredentialServer:AllowInsecureNetworkHttp"] },
        { ["--SessionSweeper:Interval=00:00:00"], ["SessionSweeper:Interval"] },
        { ["--Sessions:TableName=x", "--CredentialServer:CredentialsDuration=00:00:10"], ["Sessions:TableName", "CredentialServer:CredentialsDuration"] },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Bad_settings_stop_the_start_with_exit_code_2_and_a_message_naming_each(string[] settings, string[] named)
    {
        var result = await ChildProcess.RunAsync(ChildProcess.CredentialServer,
            ["--urls=http://127.0.0.1:0", "--Sessions:ServiceUrl=http://127.0.0.1:1", StaticKeys, StaticSecret, .. settings]);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().StartWith("The credential server did not start; fix these settings:").And.ContainAll(named);
        (result.Out + result.Error).Should().NotContain("Unhandled exception").And.NotContain("   at ");
    }

    [Fact]
    public async Task An_unreachable_store_stops_the_start_with_exit_code_1_and_a_message_naming_table_and_operation()
    {
        var result = await ChildProcess.RunAsync(ChildProcess.CredentialServer,
            ["--urls=http://127.0.0.1:0", $"--Sessions:ServiceUrl=http://127.0.0.1:{LocalServerProcess.FreeLoopbackPort()}", "--Sessions:TableName=unreachable", StaticKeys, StaticSecret]);

        result.ExitCode.Should().Be(1, result.ToString());
        result.Error.Should().StartWith("The credential server did not start: ").And.Contain("'unreachable'").And.Contain("Create");
        (result.Out + result.Error).Should().NotContain("Unhandled exception");
    }

    [Fact]
    public async Task While_DynamoDB_is_down_requests_get_only_503_and_once_it_is_back_200_and_the_process_never_exits()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var data = Directory.CreateTempSubdirectory("sessions-outage-db-");
        var elsewhere = Directory.CreateTempSubdirectory("sessions-outage-cwd-");
        var port = LocalServerProcess.FreeLoopbackPort();
        var dynamoDb = await LocalServerProcess.StartDynamoDbLocalOnDiskAsync(data.FullName, port, timeout.Token);
        try
        {
            using var client = new AmazonDynamoDBClient(DynamoDbClientFactory.Credentials(dynamoDb.Endpoint, profile: null) ?? new AnonymousAWSCredentials(), DynamoDbClientFactory.Config(dynamoDb.Endpoint, region: null));
            var table = "sessions-outage-" + Guid.NewGuid().ToString("N")[..8];
            await SessionTable.EnsureCreatedAsync(client, table, timeout.Token);
            var token = "outage-token-" + Guid.NewGuid().ToString("N");

            // Started from another folder: its appsettings.json (quiet request logging) must still be found beside the binary.
            using var server = CredentialServerProcess.Start(
            [
                "--urls=http://127.0.0.1:0", $"--Sessions:ServiceUrl={dynamoDb.Endpoint}", $"--Sessions:TableName={table}",
                $"--CredentialServer:AuthorizationToken={token}", StaticKeys, StaticSecret, "--CredentialServer:RefusalLogInterval=00:00:01",
                "--SessionSweeper:Interval=00:00:02", "--SessionSweeper:MaxStartDelay=00:00:00",
            ], elsewhere.FullName);
            var uri = new Uri((await server.WaitForLineAsync(l => l.StartsWith("export AWS_CONTAINER_CREDENTIALS_FULL_URI=", StringComparison.Ordinal), TimeSpan.FromSeconds(60)))
                .Split('=', 2)[1]);
            var sessionId = (await server.WaitForLineAsync(l => l.Contains("Session ", StringComparison.Ordinal) && l.Contains(" started;", StringComparison.Ordinal), TimeSpan.FromSeconds(5)))
                .Split("Session ")[1][..16];
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            (await CodeOfAsync(http, uri, token)).Should().Be((HttpStatusCode.OK, null));

            dynamoDb.Dispose();
            var duringOutage = new List<(HttpStatusCode, string?)>();
            for (var i = 0; i < 5; i++)
            {
                duringOutage.Add(await CodeOfAsync(http, uri, token));
            }

            // The sweeper (every 2 s) meets the outage too, and the refusals are counted in the log.
            await server.WaitForLineAsync(l => l.Contains("Expiry sweep by", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            await server.WaitForLineAsync(l => l.Contains("more credential requests in the last", StringComparison.Ordinal) && l.Contains("503 SessionStoreUnavailable", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            duringOutage.Add(await CodeOfAsync(http, uri, token));
            var exitedDuringOutage = server.HasExited;

            dynamoDb = await LocalServerProcess.StartDynamoDbLocalOnDiskAsync(data.FullName, port, timeout.Token);
            var afterOutage = await CodeOfAsync(http, uri, token);
            var exitedAfterOutage = server.HasExited;
            var log = server.Output;
            var exitCode = await server.StopAsync(TimeSpan.FromSeconds(60));

            output.WriteLine(log);
            exitedDuringOutage.Should().BeFalse("no fault of the store stops the server");
            duringOutage.Should().AllBeEquivalentTo((HttpStatusCode.ServiceUnavailable, "SessionStoreUnavailable"), "fail closed: no credentials are served while the session cannot be checked");
            afterOutage.Should().Be((HttpStatusCode.OK, null));
            exitedAfterOutage.Should().BeFalse();
            exitCode.Should().Be(0, log);
            log.Should().Contain("Refused a credential request: 503 SessionStoreUnavailable").And.NotContain("Unhandled exception");
            log.Should().Contain($"Content root path: {Path.GetDirectoryName(ChildProcess.CredentialServer)}")
                .And.NotContain("Microsoft.AspNetCore.Hosting.Diagnostics", "request logging of the hot path stays off, as appsettings.json beside the binary says");

            var store = new DynamoDbSessionStore(client, Microsoft.Extensions.Options.Options.Create(new DynamoDbSessionStoreOptions { TableName = table }));
            var stored = await store.GetAsync(sessionId, timeout.Token);
            stored.RequestCount.Should().Be(2, "the table survived the restart, and only the two requests answered 200 were counted");
            stored.Status.Should().Be(SessionStatus.Expired, "the graceful stop after the outage expired the session");
        }
        finally
        {
            dynamoDb.Dispose();
            data.Delete(recursive: true);
            elsewhere.Delete(recursive: true);
        }
    }

    private static async Task<(HttpStatusCode Status, string? Code)> CodeOfAsync(HttpClient http, Uri uri, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("Authorization", token);
        using var response = await http.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null);
    }
}
