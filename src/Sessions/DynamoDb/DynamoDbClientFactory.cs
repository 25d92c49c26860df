using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;

namespace Sessions.DynamoDb;

/// <summary>
/// The one way the packages build a DynamoDB client from an endpoint, a region and a profile: the store's container
/// (from <see cref="DynamoDbSessionStoreOptions.ServiceUrl"/> and <see cref="DynamoDbSessionStoreOptions.Region"/>,
/// when it has no client of its own), the <c>sessions</c> tool (<c>--endpoint</c>, <c>--region</c>, <c>--profile</c>)
/// and the tests' clients of their local servers.
/// An instance holds the container's client, built on first use; the container owns and disposes it.
/// </summary>
/// <remarks>
/// Credentials: a named profile, else the SDK's credential chain (environment keys with their session token, shared
/// profile, SSO, container and instance roles). Only for a loopback endpoint (DynamoDB Local, a test server), which
/// checks no signature, does a chain that finds nothing fall back to placeholder keys; there the chain is asked only
/// for its local sources, never for the instance metadata service.
/// </remarks>
internal sealed class DynamoDbClientFactory : IDisposable
{
    /// <summary>The region that signs requests to an endpoint when none is given; local servers accept any.</summary>
    public const string EndpointRegion = "us-east-1";

    /// <summary>The placeholder key id and secret for a loopback endpoint: DynamoDB Local accepts only letters and digits in a key id.</summary>
    public const string PlaceholderKey = "local";

    private readonly Lazy<AmazonDynamoDBClient> _client;
    private readonly Lazy<Dictionary<string, IAmazonDynamoDB>> _otherRegions;

    /// <summary>Initializes the container's client holder from the store's options.</summary>
    public DynamoDbClientFactory(DynamoDbSessionStoreOptions options)
    {
        _client = new Lazy<AmazonDynamoDBClient>(() => Create(options.ServiceUrl, options.Region, profile: null));
        _otherRegions = new Lazy<Dictionary<string, IAmazonDynamoDB>>(() => (options.GlobalTableRegions ?? [])
            .Where(region => region != options.Region)
            .ToDictionary(region => region, region => (IAmazonDynamoDB)Create(endpoint: null, region, profile: null), StringComparer.Ordinal));
    }

    /// <summary>Gets the container's client, building it on first use.</summary>
    public IAmazonDynamoDB Client => _client.Value;

    /// <summary>
    /// Gets a client of each other Region of <see cref="DynamoDbSessionStoreOptions.GlobalTableRegions"/> (its AWS endpoint,
    /// the SDK's credential chain), built on first use; empty on a table of one Region.
    /// </summary>
    public IReadOnlyDictionary<string, IAmazonDynamoDB> OtherRegions => _otherRegions.Value;

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }

        if (_otherRegions.IsValueCreated)
        {
            foreach (var client in _otherRegions.Value.Values)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Builds a client of <paramref name="endpoint"/> (AWS when <see langword="null"/>) in <paramref name="region"/>, signing as <paramref name="profile"/>.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="profile"/> is in neither the shared config nor the credentials file.</exception>
    public static AmazonDynamoDBClient Create(Uri? endpoint, string? region, string? profile)
    {
        var config = Config(endpoint, region);
        var credentials = Credentials(endpoint, profile);
        return credentials is null ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(credentials, config);
    }

    /// <summary>
    /// The credentials to sign with for <paramref name="endpoint"/> as <paramref name="profile"/>, read from this
    /// process's environment and the shared config files, or <see langword="null"/> for the SDK's whole credential chain.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="profile"/> is in neither the shared config nor the credentials file.</exception>
    public static AWSCredentials? Credentials(Uri? endpoint, string? profile) =>
        Credentials(endpoint, profile, Environment.GetEnvironmentVariable, FromSharedProfile);

    /// <summary>The client's settings: an endpoint signs for <paramref name="region"/> or <see cref="EndpointRegion"/>; AWS uses the region given, else the SDK's own resolution.</summary>
    public static AmazonDynamoDBConfig Config(Uri? endpoint, string? region)
    {
        var config = new AmazonDynamoDBConfig();
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint.AbsoluteUri;
            config.AuthenticationRegion = region ?? EndpointRegion;
        }
        else if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return config;
    }

    /// <summary>
    /// The credentials to sign with, or <see langword="null"/> for the SDK's whole credential chain, resolved at the
    /// first request: a named profile; else, for a loopback endpoint, the chain's local sources (the environment's keys
    /// with their session token, then the shared profile of <c>AWS_PROFILE</c> or <c>default</c>) and placeholders when
    /// those hold nothing.
    /// </summary>
    /// <param name="endpoint">The endpoint, or <see langword="null"/> for AWS.</param>
    /// <param name="profile">The named profile, or <see langword="null"/>.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="sharedProfile">Finds a profile in the shared config and credentials files, or <see langword="null"/>.</param>
    public static AWSCredentials? Credentials(Uri? endpoint, string? profile, Func<string, string?> environment, Func<string, AWSCredentials?> sharedProfile)
    {
        if (profile is not null)
        {
            return sharedProfile(profile) ?? throw new InvalidOperationException($"AWS profile '{profile}' was not found in the shared config or credentials file.");
        }

        if (endpoint is not { IsLoopback: true })
        {
            return null;
        }

        return FromEnvironment(environment)
            ?? sharedProfile(environment("AWS_PROFILE") is { Length: > 0 } named ? named : "default")
            ?? new BasicAWSCredentials(PlaceholderKey, PlaceholderKey);
    }

    private static AWSCredentials? FromEnvironment(Func<string, string?> environment)
    {
        var (key, secret, token) = (environment("AWS_ACCESS_KEY_ID"), environment("AWS_SECRET_ACCESS_KEY"), environment("AWS_SESSION_TOKEN"));
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret))
        {
            return null;
        }

        return string.IsNullOrEmpty(token) ? new BasicAWSCredentials(key, secret) : new SessionAWSCredentials(key, secret, token);
    }

    private static AWSCredentials? FromSharedProfile(string profile) =>
        new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var credentials) ? credentials : null;
}
