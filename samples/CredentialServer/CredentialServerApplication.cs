using Amazon.SecurityToken;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sessions.Samples.CredentialServer.Credentials;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// Composes the credential server: the session store, the session's lifetime, the credential source and the endpoint,
/// with the hosting package's expiry sweeper and the store's health check (<c>GET /healthz</c>).
/// </summary>
public static partial class CredentialServerApplication
{
    /// <summary>The health endpoint: 200 Healthy when the session table and its indexes are ACTIVE, 503 otherwise.</summary>
    public const string HealthPath = "/healthz";

    /// <summary>The exit code of a start refused for bad settings.</summary>
    public const int BadSettingsExitCode = 2;

    /// <summary>The exit code of any other failed start (the store unreachable, the address taken, …) or of a stop that failed.</summary>
    public const int StartFailedExitCode = 1;

    /// <summary>
    /// Builds the server from <paramref name="args"/> and the usual configuration sources (<c>appsettings.json</c> beside
    /// the binary, whatever the working directory; environment; command line): <c>Sessions</c> holds the store's settings,
    /// <c>SessionSweeper</c> the sweeper's, <c>CredentialServer</c> the server's.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="configure">Runs before the server's own registrations, so services registered there win (a test's store client or credential source).</param>
    /// <returns>The application, ready to run.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelHttpsConfiguration();
        configure?.Invoke(builder);
        AddCredentialServer(builder);

        var app = builder.Build();
        app.MapGet(CredentialsEndpoint.Path, static (HttpContext context, CredentialsEndpoint endpoint) => endpoint.HandleAsync(context));
        app.MapHealthChecks(HealthPath);
        app.Lifetime.ApplicationStarted.Register(() => OnStarted(app));
        return app;
    }

    /// <summary>
    /// Builds and runs the server until it is stopped (Ctrl-C, SIGTERM). A start that fails ends with a message on
    /// <paramref name="error"/> and an exit code, never an unhandled exception: <see cref="BadSettingsExitCode"/> when
    /// settings are refused (each bad one named), <see cref="StartFailedExitCode"/> for any other failure.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="error">Where the reason a start failed is written (standard error).</param>
    /// <returns>The process's exit code: 0 after a clean stop.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (Exception ex)
        {
            await error.WriteLineAsync($"The credential server did not start: {EscapedText.Of(ex.Message)}");
            return StartFailedExitCode;
        }

        try
        {
            // Every options' rules first, so that bad settings are reported before anything starts.
            app.Services.GetService<IStartupValidator>()?.Validate();
            await app.StartAsync();
        }
        catch (Exception ex)
        {
            await error.WriteLineAsync(Describe(ex));
            await StopAfterFailedStartAsync(app);
            return Invalid(ex).Any() ? BadSettingsExitCode : StartFailedExitCode;
        }

        try
        {
            await app.WaitForShutdownAsync();
            await app.DisposeAsync();
            return 0;
        }
        catch (Exception ex)
        {
            // Whatever a service throws while stopping is reported, never left to abort the process.
            await error.WriteLineAsync($"The credential server stopped with an error: {EscapedText.Of(Messages(ex))}");
            return StartFailedExitCode;
        }
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

        // A value of the wrong type or a key the section does not know is reported with the rules' findings, by name.
        var section = configuration.GetSection(CredentialServerOptions.SectionName);
        services.AddOptions<CredentialServerOptions>().Configure(options => BindReportingProblems(section, options)).ValidateOnStart();
        var needsCredentialSettings = !services.Any(static d => d.ServiceType == typeof(ICredentialSource));
        services.AddSingleton<IValidateOptions<CredentialServerOptions>>(new CredentialServerOptionsValidator(configuration, needsCredentialSettings));

        services.TryAddSingleton(static sp => sp.GetRequiredService<IOptions<CredentialServerOptions>>().Value.AuthorizationToken is { } configured
            ? new AuthorizationToken(configured, generated: false)
            : new AuthorizationToken(AuthorizationToken.NewValue(), generated: true));
        services.TryAddSingleton<ICredentialSource>(static sp => CreateCredentialSource(sp));
        services.TryAddSingleton<RefusalLog>();
        services.TryAddSingleton<CredentialsEndpoint>();

        // The session is created before the server takes requests and expired after it stopped taking them.
        services.AddSingleton<ServerSessionLifetime>();
        services.AddHostedService(static sp => sp.GetRequiredService<ServerSessionLifetime>());
    }

    private static void BindReportingProblems(IConfigurationSection section, CredentialServerOptions options)
    {
        try
        {
            section.Bind(options, static binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            options.BindingProblems.Add(EscapedText.Of(ex.Message));
        }
    }

    /// <summary>The credential source the settings describe: a role to assume when <c>RoleArn</c> is set, else the static keys.</summary>
    internal static ICredentialSource CreateCredentialSource(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<CredentialServerOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        if (!string.IsNullOrEmpty(options.RoleArn))
        {
            var sts = services.GetService<IAmazonSecurityTokenService>() ?? new AmazonSecurityTokenServiceClient();
            return new AssumeRoleCredentialSource(sts, options.RoleArn, options.CredentialsDuration, time);
        }

        var fixedCredentials = options.StaticCredentials!;
        return new StaticCredentialSource(fixedCredentials.AccessKeyId!, fixedCredentials.SecretAccessKey!, fixedCredentials.SessionToken, options.CredentialsDuration, time);
    }

    /// <summary>Once the server listens: a warning for plain HTTP on a network address, and the two lines a client needs.</summary>
    private static void OnStarted(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CredentialServerApplication));
        foreach (var (setting, url) in ListenAddresses.InsecureNetworkAddresses(app.Configuration))
        {
            LogInsecureNetworkHttp(logger, setting, EscapedText.Of(url));
        }

        // The token only when the server made it: a configured one stays where it was configured.
        var token = app.Services.GetRequiredService<AuthorizationToken>();
        foreach (var address in app.Urls)
        {
            Console.WriteLine($"export AWS_CONTAINER_CREDENTIALS_FULL_URI={address.TrimEnd('/')}{CredentialsEndpoint.Path}");
        }

        Console.WriteLine(token.Generated
            ? $"export AWS_CONTAINER_AUTHORIZATION_TOKEN={token.Value}"
            : "# AWS_CONTAINER_AUTHORIZATION_TOKEN: the configured CredentialServer:AuthorizationToken");
    }

    private static string Describe(Exception exception) => Invalid(exception).ToList() is { Count: > 0 } invalid
        ? "The credential server did not start; fix these settings:" + string.Concat(invalid.SelectMany(SettingFailures).Select(f => "\n  " + EscapedText.Of(f)))
        : $"The credential server did not start: {EscapedText.Of(Messages(exception))}";

    /// <summary>The options validation failures in <paramref name="exception"/>: itself, or those an <see cref="AggregateException"/> holds.</summary>
    private static IEnumerable<OptionsValidationException> Invalid(Exception exception) => exception switch
    {
        OptionsValidationException invalid => [invalid],
        AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException) => aggregate.InnerExceptions.Cast<OptionsValidationException>(),
        _ => [],
    };

    /// <summary>Each failure with the configuration section of its options in front, where the packages name the property only.</summary>
    private static IEnumerable<string> SettingFailures(OptionsValidationException invalid)
    {
        var section = invalid.OptionsType == typeof(Sessions.DynamoDb.DynamoDbSessionStoreOptions) ? "Sessions"
            : invalid.OptionsType == typeof(Sessions.Hosting.SessionExpirySweeperOptions) ? "SessionSweeper"
            : null;
        return invalid.Failures.Select(f => section is null || f.StartsWith(section + ":", StringComparison.Ordinal) ? f : $"{section}:{f}");
    }

    private static string Messages(Exception exception)
    {
        var text = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            text += " ← " + inner.Message;
        }

        return text;
    }

    /// <summary>Stops what did start (a session created before the listener failed is expired), within 10 seconds.</summary>
    private static async Task StopAfterFailedStartAsync(WebApplication app)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await app.StopAsync(timeout.Token);
            await app.DisposeAsync();
        }
        catch (Exception)
        {
            // The failed start was reported; whatever stopping it fails on adds nothing.
        }
    }

    [LoggerMessage(30, LogLevel.Warning, "{Setting} '{Url}' is plain HTTP on a network address, allowed by CredentialServer:AllowInsecureNetworkHttp: the authorization token and the credentials cross the network in the clear.")]
    private static partial void LogInsecureNetworkHttp(ILogger logger, string setting, string url);
}
