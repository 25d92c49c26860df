using Amazon.DynamoDBv2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sessions;
using Sessions.DynamoDb;
using Sessions.InMemory;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers an <see cref="ISessionStore"/> in a service collection.</summary>
public static class SessionStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DynamoDbSessionStore"/> as the singleton <see cref="ISessionStore"/> (unless one is registered
    /// already), with its options set by <paramref name="configure"/> and validated at start-up. It uses the
    /// <see cref="IAmazonDynamoDB"/> registered in the container when there is one (such as AWSSDK.Extensions.NETCore.Setup's
    /// <c>AddAWSService&lt;IAmazonDynamoDB&gt;()</c>), and otherwise builds one from
    /// <see cref="DynamoDbSessionStoreOptions.ServiceUrl"/> and <see cref="DynamoDbSessionStoreOptions.Region"/>. Beside a
    /// registered client, a <see cref="DynamoDbSessionStoreOptions.ServiceUrl"/> or <see cref="DynamoDbSessionStoreOptions.Region"/>
    /// other than the client's fails validation at start-up, naming both. With
    /// <see cref="DynamoDbSessionStoreOptions.GlobalTableRegions"/>, that client is the one of
    /// <see cref="DynamoDbSessionStoreOptions.Region"/>, and the container builds a client of each other Region from its name.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <see cref="DynamoDbSessionStoreOptions.TableName"/> is required.</param>
    /// <returns>The same service collection, for chaining.</returns>
    public static IServiceCollection AddSessionStore(this IServiceCollection services, Action<DynamoDbSessionStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<DynamoDbSessionStoreOptions>().Configure(configure).ValidateOnStartWith(static options => options.Validate());
        return services.AddDynamoDbSessionStore();
    }

    /// <summary>
    /// Registers <see cref="DynamoDbSessionStore"/> as <see cref="AddSessionStore(IServiceCollection, Action{DynamoDbSessionStoreOptions})"/>
    /// does, with its options bound from a configuration section such as <c>{ "TableName": "sessions", "Retention": "01:00:00" }</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding the options.</param>
    /// <returns>The same service collection, for chaining.</returns>
    public static IServiceCollection AddSessionStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DynamoDbSessionStoreOptions>().Bind(configuration).ValidateOnStartWith(static options => options.Validate());
        return services.AddDynamoDbSessionStore();
    }

    /// <summary>
    /// Registers <see cref="InMemorySessionStore"/> as the singleton <see cref="ISessionStore"/>, unless one is
    /// registered already. It takes <see cref="TimeProvider"/> from the container, or <see cref="TimeProvider.System"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same service collection, for chaining.</returns>
    public static IServiceCollection AddInMemorySessionStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ISessionStore>(static sp => new InMemorySessionStore(sp.GetService<TimeProvider>()));
        return services;
    }

    private static IServiceCollection AddDynamoDbSessionStore(this IServiceCollection services)
    {
        // A ServiceUrl or Region that a registered client would make the store ignore stops the start.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DynamoDbSessionStoreOptions>, RegisteredClientOptionsValidator>());
        services.TryAddSingleton(static sp => new DynamoDbClientFactory(sp.GetRequiredService<IOptions<DynamoDbSessionStoreOptions>>().Value));
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<DynamoDbSessionStoreOptions>>();
            var factory = sp.GetRequiredService<DynamoDbClientFactory>();
            var client = sp.GetService<IAmazonDynamoDB>() ?? factory.Client;
            return options.Value.GlobalTableRegions is { Count: > 0 }
                ? DynamoDbSessionStore.ForGlobalTable(client, factory.OtherRegions, options, sp.GetService<TimeProvider>(), sp.GetService<ILogger<DynamoDbSessionStore>>())
                : new DynamoDbSessionStore(client, options, sp.GetService<TimeProvider>(), sp.GetService<ILogger<DynamoDbSessionStore>>());
        });
        services.TryAddSingleton<ISessionStore>(static sp => sp.GetRequiredService<DynamoDbSessionStore>());
        return services;
    }
}
