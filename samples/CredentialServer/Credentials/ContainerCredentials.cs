namespace Sessions.Samples.CredentialServer.Credentials;

/// <summary>One set of AWS credentials as the container-credentials endpoint serves them.</summary>
/// <param name="AccessKeyId">The access key id.</param>
/// <param name="SecretAccessKey">The secret access key.</param>
/// <param name="Token">The session token, or <see langword="null"/> for long-term keys.</param>
/// <param name="Expiration">When the credentials stop working; clients fetch new ones before then. Never after the session's ExpiresAt.</param>
public sealed record ContainerCredentials(string AccessKeyId, string SecretAccessKey, string? Token, DateTimeOffset Expiration);
