using Microsoft.Extensions.Options;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// The server's session: created when the host starts, before the server takes requests, and expired on a graceful
/// shutdown, after the server stopped taking them. A session revoked or expired meanwhile is left as it is.
/// </summary>
internal sealed partial class ServerSessionLifetime(
    ISessionStore store,
    IOptions<CredentialServerOptions> options,
    TimeProvider timeProvider,
    ILogger<ServerSessionLifetime> logger) : IHostedService
{
    private ServerSession? _session;

    /// <summary>Gets the session as created, or <see langword="null"/> before the host started.</summary>
    public ServerSession? Session => Volatile.Read(ref _session);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var duration = settings.CappedSessionDuration;
        if (duration < settings.SessionDuration)
        {
            LogDurationCapped(logger, settings.SessionDuration, duration);
        }

        var session = await store.CreateAsync(
            ServerSession.Start(settings.User, settings.Profile, settings.ResolvedServerInstanceId, settings.SourceIdentity, duration, timeProvider.GetUtcNow()),
            cancellationToken);
        Volatile.Write(ref _session, session);
        LogStarted(logger, session.Id, session.ExpiresAt);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Session is not { } session)
        {
            return;
        }

        try
        {
            await store.ExpireAsync(session.Id, cancellationToken);
            LogEnded(logger, session.Id);
        }
        catch (SessionNotActiveException ex)
        {
            LogAlreadyEnded(logger, session.Id, ex.Message);
        }
        catch (SessionStoreException ex)
        {
            LogEndFailed(logger, ex, session.Id);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "SessionDuration {Requested} is above MaxSessionDuration; the session lasts {Duration}.")]
    private static partial void LogDurationCapped(ILogger logger, TimeSpan requested, TimeSpan duration);

    [LoggerMessage(2, LogLevel.Information, "Session {SessionId} started; it serves until {ExpiresAt:O}.")]
    private static partial void LogStarted(ILogger logger, string sessionId, DateTimeOffset expiresAt);

    [LoggerMessage(3, LogLevel.Information, "Session {SessionId} expired on shutdown.")]
    private static partial void LogEnded(ILogger logger, string sessionId);

    [LoggerMessage(4, LogLevel.Information, "Session {SessionId} had already ended: {Reason}")]
    private static partial void LogAlreadyEnded(ILogger logger, string sessionId, string reason);

    [LoggerMessage(5, LogLevel.Error, "Session {SessionId} could not be expired on shutdown; the sweeper expires it once its ExpiresAt passes.")]
    private static partial void LogEndFailed(ILogger logger, Exception exception, string sessionId);
}
