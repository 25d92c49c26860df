using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Internal;
using Sessions.TestSupport.Servers;

namespace Sessions.TestSupport.Wire;

/// <summary>
/// A DynamoDB client of the test server for fault tests: the SDK's own standard retry policy decides what to retry and
/// how often (<see cref="ClientConfig.MaxErrorRetry"/>), but retries at once instead of backing off, so a test can run
/// every fault on every operation in milliseconds. <see cref="ClientConfig.Timeout"/> is the HTTP timeout of each
/// attempt, as with the SDK's own HTTP client. The handler chain must end in a network handler.
/// </summary>
public sealed class RetryingClient : AmazonDynamoDBClient
{
    private readonly HandlerHttpClientFactory _factory;

    private RetryingClient(AWSCredentials? credentials, AmazonDynamoDBConfig config, HandlerHttpClientFactory factory)
        : base(credentials ?? DefaultAWSCredentialsIdentityResolver.GetCredentials(config), config)
    {
        _factory = factory;
    }

    /// <summary>Creates a client of <paramref name="server"/> whose requests pass through <paramref name="handler"/>.</summary>
    /// <param name="server">The server, and the credentials its other clients sign with.</param>
    /// <param name="handler">The first handler of a chain that ends in a network handler.</param>
    /// <param name="maxErrorRetry">How many times the SDK retries a failed attempt.</param>
    /// <param name="timeout">The timeout of each attempt; none when <see langword="null"/>.</param>
    public static RetryingClient Create(DynamoDbServerFixture server, HttpMessageHandler handler, int maxErrorRetry, TimeSpan? timeout = null)
    {
        var factory = new HandlerHttpClientFactory(new ExpiredTtlGuard { InnerHandler = handler }, timeout ?? Timeout.InfiniteTimeSpan);
        var config = server.ClientConfig(factory);
        config.MaxErrorRetry = maxErrorRetry;
        if (timeout is { } perAttempt)
        {
            config.Timeout = perAttempt;
        }

        return new RetryingClient(server.Credentials, config, factory);
    }

    /// <summary>A handler chain: <paramref name="handlers"/> in order, ending in a fresh <see cref="SocketsHttpHandler"/>.</summary>
    public static HttpMessageHandler Chain(params DelegatingHandler[] handlers)
    {
        HttpMessageHandler next = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };
        for (var i = handlers.Length - 1; i >= 0; i--)
        {
            handlers[i].InnerHandler = next;
            next = handlers[i];
        }

        return next;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _factory.Dispose();
        }
    }

    /// <inheritdoc />
    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        pipeline.ReplaceHandler<RetryHandler>(new RetryHandler(new RetryAtOncePolicy(Config)));
    }

    /// <summary>The SDK's standard policy (what to retry, how often), without the wait between attempts.</summary>
    private sealed class RetryAtOncePolicy(IClientConfig config) : StandardRetryPolicy(config)
    {
        public override void WaitBeforeRetry(IExecutionContext executionContext)
        {
        }

        public override Task WaitBeforeRetryAsync(IExecutionContext executionContext) => Task.CompletedTask;
    }
}
