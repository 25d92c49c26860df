using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Sessions.DynamoDb;

/// <summary>
/// Builds the <see cref="IAmazonDynamoDB"/> the store uses when the container has none, from
/// <see cref="DynamoDbSessionStoreOptions.ServiceUrl"/> and <see cref="DynamoDbSessionStoreOptions.Region"/>. The
/// container owns and disposes it.
/// </summary>
internal sealed class DynamoDbClientFactory : IDisposable
{
    private readonly Lazy<AmazonDynamoDBClient> _client;

    public DynamoDbClientFactory(DynamoDbSessionStoreOptions options)
    {
        _client = new Lazy<AmazonDynamoDBClient>(() => Create(options));
    }

    public IAmazonDynamoDB Client => _client.Value;

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    private static AmazonDynamoDBClient Create(DynamoDbSessionStoreOptions options)
    {
        var config = new AmazonDynamoDBConfig();
        if (options.ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.ToString();
            config.AuthenticationRegion = options.Region ?? "us-east-1";

            // A local endpoint (DynamoDB Local, a test server) accepts any credentials; use real ones when configured.
            var hasCredentials = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is not null
                || Environment.GetEnvironmentVariable("AWS_PROFILE") is not null;
            return hasCredentials ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config);
        }

        if (options.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return new AmazonDynamoDBClient(config);
    }
}
