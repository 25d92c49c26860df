using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sessions.Cli.Errors;
using Sessions.DynamoDb;

namespace Sessions.Cli.Hosting;

/// <summary>
/// Builds the services a command runs on: an <see cref="ISessionStore"/> and, for DynamoDB, the
/// <see cref="IAmazonDynamoDB"/> client the store uses. The only place the tool wires up a store.
/// </summary>
internal static class StoreFactory
{
    /// <summary>The embedded store of the demo: in process memory, gone when the process ends.</summary>
    /// <param name="timeProvider">The store's clock, the same as the one that starts sessions.</param>
    public static ServiceProvider InMemory(TimeProvider timeProvider)
    {
        var services = new ServiceCollection();
        services.AddSingleton(timeProvider);
        services.AddInMemorySessionStore();
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// The DynamoDB store on <paramref name="connection"/>'s table. The client is registered first, so the store
    /// uses it rather than building its own.
    /// </summary>
    public static ServiceProvider DynamoDb(StoreConnection connection)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IAmazonDynamoDB>(_ => Client(connection));
        if (connection.GlobalTableRegions is { Count: > 0 } regions)
        {
            // Home Regions: a client of each other Region, signing as the same profile, and the store built on them all.
            services.AddSingleton(_ => new OtherRegionClients(regions.Where(r => r != connection.Region).ToDictionary(
                r => r, r => (IAmazonDynamoDB)Client(connection with { Endpoint = null, Region = r }), StringComparer.Ordinal)));
            services.AddSingleton(sp => DynamoDbSessionStore.ForGlobalTable(
                sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetRequiredService<OtherRegionClients>().Clients,
                sp.GetRequiredService<IOptions<DynamoDbSessionStoreOptions>>(), sp.GetService<TimeProvider>()));
        }

        services.AddSessionStore(options =>
        {
            options.TableName = connection.Table;
            if (connection.GlobalTableRegions is { Count: > 0 } regions)
            {
                options.Region = connection.Region;
                options.GlobalTableRegions = [.. regions];
            }
        });
        return services.BuildServiceProvider();
    }

    /// <summary>The client of <c>--endpoint</c>, <c>--region</c> and <c>--profile</c>, built as the library builds its own.</summary>
    private static AmazonDynamoDBClient Client(StoreConnection connection)
    {
        try
        {
            return DynamoDbClientFactory.Create(connection.Endpoint, connection.Region, connection.AwsProfile);
        }
        catch (InvalidOperationException notFound) when (connection.AwsProfile is not null)
        {
            throw new UsageException(notFound.Message);
        }
    }

    /// <summary>The clients of a global table's other Regions, disposed with the container.</summary>
    private sealed class OtherRegionClients(Dictionary<string, IAmazonDynamoDB> clients) : IDisposable
    {
        public IReadOnlyDictionary<string, IAmazonDynamoDB> Clients => clients;

        public void Dispose()
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }
}
