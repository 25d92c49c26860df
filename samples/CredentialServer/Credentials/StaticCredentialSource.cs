namespace Sessions.Samples.CredentialServer.Credentials;

/// <summary>
/// Serves the same configured credentials every time, with an expiration an hour ahead: for local tries and tests,
/// where no role can be assumed.
/// </summary>
public sealed class StaticCredentialSource : ICredentialSource
{
    private readonly string _accessKeyId;
    private readonly string _secretAccessKey;
    private readonly string? _sessionToken;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="accessKeyId">The access key id served.</param>
    /// <param name="secretAccessKey">The secret access key served.</param>
    /// <param name="sessionToken">The session token served, if any.</param>
    /// <param name="timeProvider">The clock the expiration is reckoned on; <see langword="null"/> means <see cref="TimeProvider.System"/>.</param>
    public StaticCredentialSource(string accessKeyId, string secretAccessKey, string? sessionToken = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        _accessKeyId = accessKeyId;
        _secretAccessKey = secretAccessKey;
        _sessionToken = sessionToken;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public Task<ContainerCredentials> GetCredentialsAsync(ServerSession session, CancellationToken cancellationToken) =>
        Task.FromResult(new ContainerCredentials(_accessKeyId, _secretAccessKey, _sessionToken, _timeProvider.GetUtcNow().AddHours(1)));
}
