using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Sessions.Cli.Errors;

namespace Sessions.Cli.Hosting;

/// <summary>Builds the DynamoDB client from <c>--endpoint</c>, <c>--region</c> and <c>--profile</c>.</summary>
internal static class DynamoDbClientFactory
{
    /// <summary>The region used to sign requests to a local endpoint when none is given; local servers accept any.</summary>
    private const string LocalRegion = "us-east-1";

    public static AmazonDynamoDBClient Create(StoreConnection connection)
    {
        var config = new AmazonDynamoDBConfig();
        if (connection.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        if (connection.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.AbsoluteUri;
            config.AuthenticationRegion = connection.Region ?? LocalRegion;
        }

        var credentials = Credentials(connection);
        return credentials is null ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(credentials, config);
    }

    /// <summary>
    /// The credentials to sign with, or <see langword="null"/> to let the SDK resolve its default chain. A local
    /// endpoint checks no credentials, so it never reaches for the chain's network sources (instance metadata):
    /// it uses the named profile, the environment's keys, or placeholders.
    /// </summary>
    private static AWSCredentials? Credentials(StoreConnection connection)
    {
        if (connection.AwsProfile is { } profile)
        {
            return new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var fromProfile)
                ? fromProfile
                : throw new UsageException($"AWS profile '{profile}' was not found in the shared config or credentials file.");
        }

        if (connection.Endpoint is null)
        {
            return null;
        }

        var key = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        return !string.IsNullOrEmpty(key) && !string.IsNullOrEmpty(secret)
            ? new BasicAWSCredentials(key, secret)
            : new BasicAWSCredentials("local", "local");
    }
}
