using Sessions.Samples.CredentialServer.Credentials;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// The container-credentials endpoint (<c>GET /credentials</c>), the protocol every AWS SDK and the AWS CLI speak
/// when given <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> and <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c>. Each request
/// with the right token touches the session (one conditional write) and only then gets credentials; a request
/// without it touches nothing.
/// </summary>
internal sealed partial class CredentialsEndpoint(
    AuthorizationToken token,
    ServerSessionLifetime lifetime,
    ISessionStore store,
    ICredentialSource source,
    ILogger<CredentialsEndpoint> logger)
{
    /// <summary>The path clients are pointed at.</summary>
    public const string Path = "/credentials";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!token.Matches(context.Request.Headers.Authorization.Count == 1 ? context.Request.Headers.Authorization[0] : null))
        {
            return Error(StatusCodes.Status401Unauthorized, "Unauthorized", "The Authorization header does not hold the token of this server.");
        }

        if (lifetime.Session is not { } session)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, "SessionNotStarted", "The server's session has not started yet.");
        }

        var cancellationToken = context.RequestAborted;
        try
        {
            await store.TouchAsync(session.Id, cancellationToken);
        }
        catch (SessionRevokedException ex)
        {
            return Error(StatusCodes.Status403Forbidden, "SessionRevoked", ex.Message);
        }
        catch (SessionExpiredException ex)
        {
            return Error(StatusCodes.Status403Forbidden, "SessionExpired", ex.Message);
        }
        catch (SessionNotFoundException ex)
        {
            // The record is gone (deleted, or removed by TTL): nothing could revoke this session any more, so it stops.
            return Error(StatusCodes.Status403Forbidden, "SessionNotFound", ex.Message);
        }
        catch (SessionStoreException ex)
        {
            // Fail closed: a session that cannot be checked is not served; clients retry.
            LogTouchFailed(logger, ex, session.Id);
            return Error(StatusCodes.Status503ServiceUnavailable, "SessionStoreUnavailable", $"Session '{session.Id}' could not be checked; try again.");
        }

        ContainerCredentials credentials;
        try
        {
            credentials = await source.GetCredentialsAsync(session, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCredentialsFailed(logger, ex, session.Id);
            return Error(StatusCodes.Status502BadGateway, "CredentialsUnavailable", "The server could not obtain credentials; try again.");
        }

        return Results.Json(CredentialsResponse.From(credentials), CredentialServerJsonContext.Web.CredentialsResponse);
    }

    private static IResult Error(int statusCode, string code, string message) =>
        Results.Json(new ErrorResponse(code, message), CredentialServerJsonContext.Web.ErrorResponse, statusCode: statusCode);

    [LoggerMessage(10, LogLevel.Warning, "Session {SessionId} could not be touched; the request was refused.")]
    private static partial void LogTouchFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(11, LogLevel.Error, "Credentials for session {SessionId} could not be obtained.")]
    private static partial void LogCredentialsFailed(ILogger logger, Exception exception, string sessionId);
}
