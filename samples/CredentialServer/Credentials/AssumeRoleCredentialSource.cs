using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Sessions.Samples.CredentialServer.Credentials;

/// <summary>
/// Serves credentials of a role assumed through STS (<c>sts:AssumeRole</c>), with the session id as the role session
/// name, so CloudTrail ties every call made with them to the recorded session, and the session's source identity as
/// the <c>SourceIdentity</c> when it has one (the role's trust policy must then allow <c>sts:SetSourceIdentity</c>).
/// Each set lasts the configured duration, shortened to what the session has left, so it never outlives the session;
/// once the session has less left than STS's 15-minute minimum, no new set is issued
/// (<see cref="SessionEndsTooSoonException"/>). Caches each set until five minutes before it expires; one refresh runs at a time.
/// </summary>
public sealed class AssumeRoleCredentialSource : ICredentialSource, IDisposable
{
    /// <summary>How long before their expiration cached credentials are replaced.</summary>
    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);

    private readonly IAmazonSecurityTokenService _sts;
    private readonly string _roleArn;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile CachedSet? _cached;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="sts">The STS client; its credentials are the server's own, which the role must trust.</param>
    /// <param name="roleArn">The role to assume.</param>
    /// <param name="duration">How long each set lasts, 15 minutes to the role's maximum; shortened to the session's remaining time.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> means <see cref="TimeProvider.System"/>.</param>
    public AssumeRoleCredentialSource(IAmazonSecurityTokenService sts, string roleArn, TimeSpan duration, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(sts);
        ArgumentException.ThrowIfNullOrEmpty(roleArn);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, CredentialServerOptions.MinimumRoleCredentialsDuration);
        _sts = sts;
        _roleArn = roleArn;
        _duration = duration;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    /// <exception cref="SessionEndsTooSoonException">The session has less than 15 minutes left and no cached set ends with it.</exception>
    /// <exception cref="AmazonSecurityTokenServiceException">STS refused the request (for example the role does not trust the server).</exception>
    public async Task<ContainerCredentials> GetCredentialsAsync(ServerSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Fresh(session) is { } cached)
        {
            return cached;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(session) is { } refreshed)
            {
                return refreshed;
            }

            var remaining = session.ExpiresAt - _timeProvider.GetUtcNow();
            if (remaining < CredentialServerOptions.MinimumRoleCredentialsDuration)
            {
                throw new SessionEndsTooSoonException(session.Id, session.ExpiresAt, CredentialServerOptions.MinimumRoleCredentialsDuration);
            }

            var response = await _sts.AssumeRoleAsync(Request(session, remaining < _duration ? remaining : _duration), cancellationToken);
            var credentials = response.Credentials;
            var expiration = new DateTimeOffset(DateTime.SpecifyKind(credentials.Expiration ?? default, DateTimeKind.Utc));

            // STS counts from its own clock: what the client is told never passes the session's end.
            var served = new ContainerCredentials(
                credentials.AccessKeyId,
                credentials.SecretAccessKey,
                credentials.SessionToken,
                expiration < session.ExpiresAt ? expiration : session.ExpiresAt);
            _cached = new CachedSet(session.Id, served);
            return served;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _refresh.Dispose();

    private ContainerCredentials? Fresh(ServerSession session) =>
        _cached is { } cached && cached.SessionId == session.Id && cached.Credentials.Expiration - RefreshBefore > _timeProvider.GetUtcNow()
            ? cached.Credentials
            : null;

    private AssumeRoleRequest Request(ServerSession session, TimeSpan duration) => new()
    {
        RoleArn = _roleArn,
        RoleSessionName = session.Id,
        SourceIdentity = string.IsNullOrEmpty(session.SourceIdentity) ? null : session.SourceIdentity,

        // Whole seconds, rounded down: the set ends at or before the session.
        DurationSeconds = (int)duration.TotalSeconds,
    };

    /// <summary>A set of credentials and the session it was issued for.</summary>
    private sealed record CachedSet(string SessionId, ContainerCredentials Credentials);
}
