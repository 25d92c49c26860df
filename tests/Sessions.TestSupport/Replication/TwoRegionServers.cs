using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Sessions.DynamoDb;
using Sessions.TestSupport.Servers;
using Sessions.TestSupport.Wire;
using Xunit;

namespace Sessions.TestSupport.Replication;

/// <summary>One of the two Regions of the simulation.</summary>
public enum SimulatedRegion
{
    /// <summary>The first Region.</summary>
    A,

    /// <summary>The second Region.</summary>
    B,
}

/// <summary>
/// Two DynamoDB Local servers, one per <see cref="SimulatedRegion"/>, started together for a test class
/// (<c>IClassFixture&lt;TwoRegionServers&gt;</c>) and stopped with it; each runs in memory in a child process of its own,
/// apart from the server the rest of the run shares. A <see cref="TwoRegionReplicator"/> joins a table of the same name
/// in both into one simulated global table.
/// </summary>
public sealed class TwoRegionServers : IAsyncLifetime
{
    private LocalServerProcess? _a;
    private LocalServerProcess? _b;

    /// <summary>Gets the credentials clients of both servers sign with, by the library's own rule for a loopback endpoint.</summary>
    public AWSCredentials? Credentials { get; private set; }

    /// <summary>Starts both servers at once and returns when both answer.</summary>
    public async Task InitializeAsync()
    {
        var a = LocalServerProcess.StartAsync(LocalServerKind.DynamoDbLocal, CancellationToken.None);
        var b = LocalServerProcess.StartAsync(LocalServerKind.DynamoDbLocal, CancellationToken.None);
        try
        {
            await Task.WhenAll(a, b);
        }
        finally
        {
            _a = a.IsCompletedSuccessfully ? a.Result : null;
            _b = b.IsCompletedSuccessfully ? b.Result : null;
        }

        Credentials = DynamoDbClientFactory.Credentials(_a!.Endpoint, profile: null);
    }

    /// <summary>Stops both servers.</summary>
    public Task DisposeAsync()
    {
        _a?.Dispose();
        _b?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Gets the URL of <paramref name="region"/>'s server.</summary>
    public Uri Endpoint(SimulatedRegion region) =>
        (region == SimulatedRegion.A ? _a : _b)?.Endpoint ?? throw new InvalidOperationException("The servers are not started yet.");

    /// <summary>
    /// Creates a client of <paramref name="region"/>'s server whose requests pass through <paramref name="handler"/> (if
    /// any) and an <see cref="ExpiredTtlGuard"/>, with the SDK's standard retries and no shared retry quota, as the test
    /// fixtures build theirs. The caller disposes it.
    /// </summary>
    public AmazonDynamoDBClient CreateClient(SimulatedRegion region, DelegatingHandler? handler = null)
    {
        var factory = new HandlerHttpClientFactory(handler is null ? new ExpiredTtlGuard() : new ExpiredTtlGuard { InnerHandler = handler });
        var config = DynamoDbClientFactory.Config(Endpoint(region), region: null);
        config.HttpClientFactory = factory;
        config.RetryMode = RequestRetryMode.Standard;
        config.ThrottleRetries = false;
        return new OwningClient(Credentials, config, factory);
    }

    /// <summary>A client that disposes its HTTP client factory with itself.</summary>
    private sealed class OwningClient(AWSCredentials? credentials, AmazonDynamoDBConfig config, HandlerHttpClientFactory factory)
        : AmazonDynamoDBClient(credentials ?? new BasicAWSCredentials("local", "local"), config)
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                factory.Dispose();
            }
        }
    }
}
