using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
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
        services.AddSessionStore(options => options.TableName = connection.Table);
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
}
