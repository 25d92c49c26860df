using Amazon.SecurityToken;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sessions.Samples.CredentialServer.Credentials;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// Composes the credential server: the session store, the session's lifetime, the credential source and the endpoint,
/// with the hosting package's expiry sweeper and the store's health check (<c>GET /healthz</c>).
/// </summary>
public static class CredentialServerApplication
{
    /// <summary>The health endpoint: 200 Healthy when the session table and its indexes are ACTIVE, 503 otherwise.</summary>
    public const string HealthPath = "/healthz";

    /// <summary>
    /// Builds the server from <paramref name="args"/> and the usual configuration sources (<c>appsettings.json</c>,
    /// environment, command line): <c>Sessions</c> holds the store's settings, <c>SessionSweeper</c> the sweeper's,
    /// <c>CredentialServer</c> the server's.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="configure">Runs before the server's own registrations, so services registered there win (a test's store client or credential source).</param>
    /// <returns>The application, ready to run.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        AddCredentialServer(builder);

        var app = builder.Build();
        app.MapGet(CredentialsEndpoint.Path, static (HttpContext context, CredentialsEndpoint endpoint) => endpoint.HandleAsync(context));
        app.MapHealthChecks(HealthPath);
        app.Lifetime.ApplicationStarted.Register(() => PrintClientEnvironment(app));
        return app;
    }

    private static void AddCredentialServer(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSessionStore(configuration.GetSection("Sessions"));

        // Expires the sessions of servers that stopped without a graceful shutdown; one sweeper per fleet at a time.
        services.AddSessionExpirySweeper(configuration.GetSection("SessionSweeper"));
        services.AddHealthChecks().AddSessionStore();
        services.AddOptions<CredentialServerOptions>().Bind(configuration.GetSection(CredentialServerOptions.SectionName)).ValidateOnStart();
        var needsCredentialSettings = !services.Any(static d => d.ServiceType == typeof(ICredentialSource));
        services.AddSingleton<IValidateOptions<CredentialServerOptions>>(new CredentialServerOptionsValidator(needsCredentialSettings));

        services.TryAddSingleton(static sp => sp.GetRequiredService<IOptions<CredentialServerOptions>>().Value.AuthorizationToken is { } configured
            ? new AuthorizationToken(configured, generated: false)
            : new AuthorizationToken(AuthorizationToken.NewValue(), generated: true));
        services.TryAddSingleton<ICredentialSource>(static sp => CreateCredentialSource(sp));
        services.TryAddSingleton<CredentialsEndpoint>();

        // The session is created before the server takes requests and expired after it stopped taking them.
        services.AddSingleton<ServerSessionLifetime>();
        services.AddHostedService(static sp => sp.GetRequiredService<ServerSessionLifetime>());
    }

    private static ICredentialSource CreateCredentialSource(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<CredentialServerOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        if (!string.IsNullOrWhiteSpace(options.RoleArn))
        {
            var sts = services.GetService<IAmazonSecurityTokenService>() ?? new AmazonSecurityTokenServiceClient();
            return new AssumeRoleCredentialSource(sts, options.RoleArn, options.RoleCredentialsDuration, time);
        }

        var fixedCredentials = options.StaticCredentials!;
        return new StaticCredentialSource(fixedCredentials.AccessKeyId!, fixedCredentials.SecretAccessKey!, fixedCredentials.SessionToken, time);
    }

    /// <summary>Prints the two lines a client needs, once the server listens; the token only when the server made it.</summary>
    private static void PrintClientEnvironment(WebApplication app)
    {
        var token = app.Services.GetRequiredService<AuthorizationToken>();
        foreach (var address in app.Urls)
        {
            Console.WriteLine($"AWS_CONTAINER_CREDENTIALS_FULL_URI={address.TrimEnd('/')}{CredentialsEndpoint.Path}");
        }

        Console.WriteLine(token.Generated
            ? $"AWS_CONTAINER_AUTHORIZATION_TOKEN={token.Value}"
            : "AWS_CONTAINER_AUTHORIZATION_TOKEN=<the configured CredentialServer:AuthorizationToken>");
    }
}
