using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Sessions.Benchmarks.Infrastructure;

/// <summary>Low-level DynamoDB clients for the benchmarks: dummy credentials, a local endpoint, the SDK's defaults otherwise.</summary>
internal static class BenchmarkClient
{
    /// <summary>A client whose requests go through the whole SDK pipeline (marshalling, signing, retries, unmarshalling) into <paramref name="handler"/>.</summary>
    public static AmazonDynamoDBClient Canned(CannedDynamoDbHandler handler) => Create("http://localhost:8000", new CannedHttpClientFactory(handler));

    /// <summary>A client of the DynamoDB-compatible server at <paramref name="serviceUrl"/>.</summary>
    public static AmazonDynamoDBClient Create(string serviceUrl, HttpClientFactory? httpClientFactory = null)
    {
        var config = new AmazonDynamoDBConfig
        {
            ServiceURL = serviceUrl,
            AuthenticationRegion = "us-east-1",
        };
        if (httpClientFactory is not null)
        {
            config.HttpClientFactory = httpClientFactory;
        }

        return new AmazonDynamoDBClient(new BasicAWSCredentials("benchmark", "benchmark"), config);
    }
}
