namespace Sessions.Samples.CredentialServer.Credentials;

/// <summary>
/// Where the served credentials come from. The endpoint asks it only after the session's Touch succeeded, so a
/// revoked or expired session gets no credentials. Called concurrently: an implementation must be thread-safe and
/// should cache what it fetched until shortly before it expires.
/// </summary>
public interface ICredentialSource
{
    /// <summary>Returns credentials for a client of <paramref name="session"/>.</summary>
    /// <param name="session">The server's session (its id names the credentials where the source can, as in CloudTrail).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Credentials that are valid now.</returns>
    Task<ContainerCredentials> GetCredentialsAsync(ServerSession session, CancellationToken cancellationToken);
}
