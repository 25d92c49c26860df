using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Sessions.Samples.CredentialServer.Credentials;

/// <summary>
/// Serves credentials of a role assumed through STS (<c>sts:AssumeRole</c>), with the session id as the role session
/// name, so CloudTrail ties every call made with them to the recorded session, and the session's source identity as
/// the <c>SourceIdentity</c> when it has one (the role's trust policy must then allow <c>sts:SetSourceIdentity</c>).
/// Caches each set until five minutes before it expires; one refresh runs at a time.
/// </summary>
public sealed class AssumeRoleCredentialSource : ICredentialSource, IDisposable
{
    /// <summary>How long before their expiration cached credentials are replaced.</summary>
    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan s_minimumDuration = TimeSpan.FromMinutes(15);

    private readonly IAmazonSecurityTokenService _sts;
    private readonly string _roleArn;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private ContainerCredentials? _cached;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="sts">The STS client; its credentials are the server's own, which the role must trust.</param>
    /// <param name="roleArn">The role to assume.</param>
    /// <param name="duration">How long each set lasts, 15 minutes to the role's maximum; shortened to the session's remaining time, but never below 15 minutes.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> means <see cref="TimeProvider.System"/>.</param>
    public AssumeRoleCredentialSource(IAmazonSecurityTokenService sts, string roleArn, TimeSpan duration, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(sts);
        ArgumentException.ThrowIfNullOrEmpty(roleArn);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, s_minimumDuration);
        _sts = sts;
        _roleArn = roleArn;
        _duration = duration;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    /// <exception cref="AmazonSecurityTokenServiceException">STS refused the request (for example the role does not trust the server).</exception>
    public async Task<ContainerCredentials> GetCredentialsAsync(ServerSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Fresh(_cached) is { } cached)
        {
            return cached;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(_cached) is { } refreshed)
            {
                return refreshed;
            }

            var response = await _sts.AssumeRoleAsync(Request(session), cancellationToken);
            var credentials = response.Credentials;
            _cached = new ContainerCredentials(
                credentials.AccessKeyId,
                credentials.SecretAccessKey,
                credentials.SessionToken,
                new DateTimeOffset(DateTime.SpecifyKind(credentials.Expiration ?? default, DateTimeKind.Utc)));
            return _cached;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _refresh.Dispose();

    private ContainerCredentials? Fresh(ContainerCredentials? credentials) =>
        credentials is not null && credentials.Expiration - RefreshBefore > _timeProvider.GetUtcNow() ? credentials : null;

    private AssumeRoleRequest Request(ServerSession session)
    {
        var remaining = session.ExpiresAt - _timeProvider.GetUtcNow();
        var duration = remaining < _duration ? remaining : _duration;
        if (duration < s_minimumDuration)
        {
            duration = s_minimumDuration;
        }

        return new AssumeRoleRequest
        {
            RoleArn = _roleArn,
            RoleSessionName = session.Id,
            SourceIdentity = string.IsNullOrEmpty(session.SourceIdentity) ? null : session.SourceIdentity,
            DurationSeconds = (int)duration.TotalSeconds,
        };
    }
}
