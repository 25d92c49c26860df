using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Sessions.Samples.CredentialServer;
using Sessions.Samples.CredentialServer.Credentials;

namespace Sessions.Tests.Samples;

/// <summary>
/// The sample credential server, running in this process on a free loopback port (Kestrel binds port 0) against a
/// table of a test DynamoDB server, serving fixed credentials unless the test registers its own source or asks for the
/// one its settings describe, and counting what it served. <see cref="DisposeAsync"/> stops it gracefully.
/// </summary>
internal sealed class RunningCredentialServer : IAsyncDisposable
{
    public const string AccessKeyId = "ASIASAMPLESERVERTEST";

    private readonly WebApplication _app;
    private bool _stopped;

    private readonly CountingCredentialSource _source;

    private RunningCredentialServer(WebApplication app, string table, string token, CountingCredentialSource source)
    {
        _app = app;
        _source = source;
        Table = table;
        Token = token;
        CredentialsUri = new Uri(app.Urls.Single().TrimEnd('/') + CredentialsEndpoint.Path);
        HealthUri = new Uri(app.Urls.Single().TrimEnd('/') + CredentialServerApplication.HealthPath);
        Session = app.Services.GetRequiredService<ServerSessionLifetime>().Session
            ?? throw new InvalidOperationException("The server started without a session.");
    }

    public string Table { get; }

    public string Token { get; }

    public Uri CredentialsUri { get; }

    public Uri HealthUri { get; }

    /// <summary>Gets the session as the server created it.</summary>
    public ServerSession Session { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Gets how many credential requests the server answered with credentials (200).</summary>
    public int Served => _source.Served;

    /// <summary>The two settings a client is given, as the AWS SDKs read them.</summary>
    public Dictionary<string, string?> ClientEnvironment(string? token = null) => new()
    {
        ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = CredentialsUri.ToString(),
        ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = token ?? Token,
    };

    /// <summary>
    /// Starts the sample against <paramref name="table"/> on <paramref name="server"/>; <paramref name="settings"/> add
    /// command-line settings. The credential source is the one <paramref name="services"/> registers, else the one the
    /// settings describe when <paramref name="sourceFromSettings"/>, else fixed test credentials; either way counted in
    /// <see cref="Served"/>.
    /// </summary>
    public static async Task<RunningCredentialServer> StartAsync(
        DynamoDbServerFixture server,
        string table,
        IEnumerable<string>? settings = null,
        Action<IServiceCollection>? services = null,
        bool sourceFromSettings = false)
    {
        var token = AuthorizationTokenForTests();
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--Sessions:TableName", table,
            "--CredentialServer:User", "e2e-" + Guid.NewGuid().ToString("N")[..8],
            "--CredentialServer:Profile", "prod-read",
            "--CredentialServer:ServerInstanceId", "e2e-" + Guid.NewGuid().ToString("N")[..12],
            "--CredentialServer:SourceIdentity", "alice@example.com",
            "--CredentialServer:AuthorizationToken", token,
            .. settings ?? [],
        ];
        CountingCredentialSource? counting = null;
        var app = CredentialServerApplication.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IAmazonDynamoDB>(server.CreateClient());
            services?.Invoke(builder.Services);
            var registered = builder.Services.LastOrDefault(d => d.ServiceType == typeof(ICredentialSource));
            builder.Services.RemoveAll<ICredentialSource>();
            builder.Services.AddSingleton<ICredentialSource>(sp => counting = new CountingCredentialSource(
                registered?.ImplementationInstance as ICredentialSource
                ?? (registered?.ImplementationFactory?.Invoke(sp) as ICredentialSource)
                ?? (sourceFromSettings ? CredentialServerApplication.CreateCredentialSource(sp) : new StaticCredentialSource(AccessKeyId, "sample-secret", "sample-session-token"))));
        });
        await app.StartAsync();
        _ = app.Services.GetRequiredService<ICredentialSource>();
        return new RunningCredentialServer(app, table, token, counting!);
    }

    /// <summary>Stops the server gracefully, as on SIGTERM: the server stops taking requests, then expires its session.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Fetches credentials with the AWS SDK's container provider in a child process, <paramref name="count"/> times.</summary>
    public Task<ChildProcessResult> FetchWithSdkAsync(int count = 1, Dictionary<string, string?>? environment = null) =>
        ChildProcess.RunAsync(ChildProcess.CredentialClient, [count.ToString(System.Globalization.CultureInfo.InvariantCulture)], environment ?? ClientEnvironment());

    private static string AuthorizationTokenForTests() => "test-token-" + Guid.NewGuid().ToString("N");
}
