using Amazon.Runtime;

namespace Sessions.Benchmarks.Infrastructure;

/// <summary>Gives the AWS SDK an <see cref="HttpClient"/> over the in-process handler, so the whole SDK pipeline runs but no socket.</summary>
internal sealed class CannedHttpClientFactory(HttpMessageHandler handler) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
}
