namespace Sessions.Samples.CredentialServer.Credentials;

/// <summary>
/// Serves the same configured credentials every time, each answer expiring after the credentials duration or at the
/// session's ExpiresAt, whichever comes first: for local tries and tests, where no role can be assumed.
/// </summary>
public sealed class StaticCredentialSource : ICredentialSource
{
    private readonly string _accessKeyId;
    private readonly string _secretAccessKey;
    private readonly string? _sessionToken;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="accessKeyId">The access key id served.</param>
    /// <param name="secretAccessKey">The secret access key served.</param>
    /// <param name="sessionToken">The session token served, if any.</param>
    /// <param name="duration">How long each answer lasts at most; <see langword="null"/> means 15 minutes.</param>
    /// <param name="timeProvider">The clock the expiration is reckoned on; <see langword="null"/> means <see cref="TimeProvider.System"/>.</param>
    public StaticCredentialSource(string accessKeyId, string secretAccessKey, string? sessionToken = null, TimeSpan? duration = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        _duration = duration ?? TimeSpan.FromMinutes(15);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_duration, TimeSpan.Zero, nameof(duration));
        _accessKeyId = accessKeyId;
        _secretAccessKey = secretAccessKey;
        _sessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public Task<ContainerCredentials> GetCredentialsAsync(ServerSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var expiration = _timeProvider.GetUtcNow() + _duration;
        return Task.FromResult(new ContainerCredentials(_accessKeyId, _secretAccessKey, _sessionToken, expiration < session.ExpiresAt ? expiration : session.ExpiresAt));
    }
}
