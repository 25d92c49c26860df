namespace Sessions.Cli.Hosting;

/// <summary>Which DynamoDB table a command runs against, and how to reach it.</summary>
/// <param name="Table">The session table.</param>
/// <param name="Endpoint">A DynamoDB-compatible server (DynamoDB Local, a test server), or <see langword="null"/> for AWS.</param>
/// <param name="Region">The AWS region, or <see langword="null"/> for the SDK's own resolution (environment, profile).</param>
/// <param name="AwsProfile">The AWS credentials profile, or <see langword="null"/> for the SDK's default credentials.</param>
/// <param name="GlobalTableRegions">
/// On a global table with home Regions, its Regions (<see cref="Sessions.DynamoDb.DynamoDbSessionStoreOptions.GlobalTableRegions"/>);
/// empty or <see langword="null"/> for a table of one Region.
/// </param>
internal sealed record StoreConnection(string Table, Uri? Endpoint = null, string? Region = null, string? AwsProfile = null, IReadOnlyList<string>? GlobalTableRegions = null);
