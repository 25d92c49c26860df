using Amazon.Runtime;

namespace Sessions.TestSupport.Wire;

/// <summary>
/// Gives one SDK client one <see cref="HttpClient"/> whose pipeline starts with a test's handler: a
/// <see cref="DelegatingHandler"/> chain gets a <see cref="SocketsHttpHandler"/> at its end, any other handler is used as is.
/// </summary>
public sealed class HandlerHttpClientFactory : HttpClientFactory, IDisposable
{
    private readonly HttpClient _httpClient;

    /// <param name="handler">The test's handler (chain), or <see langword="null"/> for the network alone.</param>
    /// <param name="timeout">The timeout of each request, as the SDK's own HTTP client takes it from the config; HttpClient's default when <see langword="null"/>.</param>
    public HandlerHttpClientFactory(HttpMessageHandler? handler, TimeSpan? timeout = null)
    {
        _httpClient = new HttpClient(Pipeline(handler), disposeHandler: true);
        if (timeout is { } each)
        {
            _httpClient.Timeout = each;
        }
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _httpClient;

    // The SDK must neither share this client with other SDK clients nor dispose it after a request.
    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public void Dispose() => _httpClient.Dispose();

    private static HttpMessageHandler Pipeline(HttpMessageHandler? handler)
    {
        var network = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(5) };
        if (handler is null)
        {
            return network;
        }

        var last = handler as DelegatingHandler;
        while (last?.InnerHandler is DelegatingHandler next)
        {
            last = next;
        }

        if (last is { InnerHandler: null })
        {
            last.InnerHandler = network;
        }
        else
        {
            network.Dispose();
        }

        return handler;
    }
}
