using Amazon.Runtime;
using Sessions.Samples.CredentialServer.Credentials;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// The container-credentials endpoint (<c>GET /credentials</c>), the protocol every AWS SDK and the AWS CLI speak
/// when given <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> and <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c>. Each request
/// with the right token touches the session (one conditional write) and only then gets credentials; a request
/// without it touches nothing. Every refusal is a JSON body with a stable code, and is logged through <see cref="RefusalLog"/>.
/// </summary>
internal sealed class CredentialsEndpoint(
    AuthorizationToken token,
    ServerSessionLifetime lifetime,
    ISessionStore store,
    ICredentialSource source,
    RefusalLog refusals)
{
    /// <summary>The path clients are pointed at.</summary>
    public const string Path = "/credentials";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        var authorization = context.Request.Headers.Authorization;
        if (authorization.Count != 1 || !token.Matches(authorization[0]))
        {
            var cause = authorization.Count switch
            {
                0 => "no Authorization header",
                1 => "the Authorization header does not hold the token",
                _ => "several Authorization headers",
            };
            return Refuse(context, StatusCodes.Status401Unauthorized, "Unauthorized", "The Authorization header does not hold the token of this server.", cause);
        }

        if (lifetime.Session is not { } session)
        {
            return Refuse(context, StatusCodes.Status503ServiceUnavailable, "SessionNotStarted", "The server's session has not started yet.", "the session has not started");
        }

        var cancellationToken = context.RequestAborted;
        try
        {
            await store.TouchAsync(session.Id, cancellationToken);
        }
        catch (SessionRevokedException ex)
        {
            var revocation = Revocation(ex);
            return Refuse(context, StatusCodes.Status403Forbidden, "SessionRevoked", $"Session '{session.Id}' was revoked{revocation}.", "revoked" + revocation);
        }
        catch (SessionExpiredException ex)
        {
            return Refuse(context, StatusCodes.Status403Forbidden, "SessionExpired", ex.Message, "expired");
        }
        catch (SessionNotFoundException ex)
        {
            // The record is gone (deleted, or removed by TTL): nothing could revoke this session any more, so it stops.
            return Refuse(context, StatusCodes.Status403Forbidden, "SessionNotFound", ex.Message, "the session's record is gone");
        }
        catch (SessionStoreException ex)
        {
            // Fail closed: a session that cannot be checked is not served; clients retry.
            return Refuse(context, StatusCodes.Status503ServiceUnavailable, "SessionStoreUnavailable",
                $"Session '{session.Id}' could not be checked; no credentials are served until it can be. Try again.", Fault(ex), ex);
        }

        ContainerCredentials credentials;
        try
        {
            credentials = await source.GetCredentialsAsync(session, cancellationToken);
        }
        catch (SessionEndsTooSoonException ex)
        {
            return Refuse(context, StatusCodes.Status403Forbidden, "SessionEndsTooSoon", ex.Message, "the session ends before the shortest credentials would");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Refuse(context, StatusCodes.Status502BadGateway, "CredentialsUnavailable", "The server could not obtain credentials; try again.", Fault(ex), ex);
        }

        return Results.Json(CredentialsResponse.From(credentials), CredentialServerJsonContext.Web.CredentialsResponse);
    }

    /// <summary>" by 'WHO': WHY" as the operator wrote them, escaped; empty parts left out.</summary>
    private static string Revocation(SessionRevokedException ex) =>
        (string.IsNullOrEmpty(ex.RevokedBy) ? string.Empty : $" by '{EscapedText.Of(ex.RevokedBy)}'")
        + (string.IsNullOrEmpty(ex.RevokedReason) ? string.Empty : $": {EscapedText.Of(ex.RevokedReason)}");

    /// <summary>A fault's cause as one stable line: the exception types down to the root, and the AWS error code if there is one.</summary>
    private static string Fault(Exception exception)
    {
        var types = new List<string>();
        string? errorCode = null;
        for (var current = exception; current is not null; current = current.InnerException)
        {
            types.Add(current.GetType().Name);
            errorCode ??= (current as AmazonServiceException)?.ErrorCode;
        }

        return string.Join(" ← ", types) + (errorCode is null ? string.Empty : $" ({EscapedText.Of(errorCode, 100)})");
    }

    private IResult Refuse(HttpContext context, int statusCode, string code, string message, string cause, Exception? exception = null)
    {
        var client = $"{context.Connection.RemoteIpAddress}, user agent '{EscapedText.Of(context.Request.Headers.UserAgent.ToString(), 200)}'";
        refusals.Record(statusCode, code, cause, client, exception);
        return Results.Json(new ErrorResponse(code, message), CredentialServerJsonContext.Web.ErrorResponse, statusCode: statusCode);
    }
}
