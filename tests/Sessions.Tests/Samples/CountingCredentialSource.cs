using Sessions.Samples.CredentialServer.Credentials;

namespace Sessions.Tests.Samples;

/// <summary>A credential source that counts the credentials it handed out, around the one the server would use.</summary>
internal sealed class CountingCredentialSource(ICredentialSource inner) : ICredentialSource
{
    private int _served;

    /// <summary>Gets how many times credentials were handed out: the credential requests answered 200.</summary>
    public int Served => Volatile.Read(ref _served);

    public async Task<ContainerCredentials> GetCredentialsAsync(ServerSession session, CancellationToken cancellationToken)
    {
        var credentials = await inner.GetCredentialsAsync(session, cancellationToken);
        Interlocked.Increment(ref _served);
        return credentials;
    }
}
