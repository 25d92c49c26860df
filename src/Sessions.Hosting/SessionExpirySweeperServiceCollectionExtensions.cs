using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sessions;
using Sessions.DynamoDb;
using Sessions.Hosting;
using Sessions.Hosting.Leases;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the expiry sweeper of the session store in a service collection.</summary>
public static class SessionExpirySweeperServiceCollectionExtensions
{
    /// <summary>
    /// Registers a hosted service that expires stale sessions of the registered <see cref="ISessionStore"/>, call it
    /// after <c>AddSessionStore</c> or <c>AddInMemorySessionStore</c>. On the DynamoDB store the instances of a fleet
    /// take turns through a lease item in the session table, so one sweeps at a time; on any other store, one per store
    /// instance in the process. Options are validated at start-up. Registering twice registers one sweeper.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; the defaults sweep every minute with a two-minute lease.</param>
    /// <returns>The same service collection, for chaining.</returns>
    public static IServiceCollection AddSessionExpirySweeper(this IServiceCollection services, Action<SessionExpirySweeperOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SessionExpirySweeperOptions>().Configure(configure).ValidateOnStartWith(static options => options.Validate());
        return services.AddSweeper();
    }

    /// <summary>
    /// Registers the expiry sweeper as <see cref="AddSessionExpirySweeper(IServiceCollection, Action{SessionExpirySweeperOptions})"/>
    /// does, with the default options: a run every minute, a two-minute lease.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same service collection, for chaining.</returns>
    public static IServiceCollection AddSessionExpirySweeper(this IServiceCollection services) =>
        services.AddSessionExpirySweeper(static _ => { });

    /// <summary>
    /// Registers the expiry sweeper as <see cref="AddSessionExpirySweeper(IServiceCollection, Action{SessionExpirySweeperOptions})"/>
    /// does, with its options bound from a configuration section such as <c>{ "Interval": "00:01:00", "LeaseDuration": "00:02:00" }</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding the options.</param>
    /// <returns>The same service collection, for chaining.</returns>
    public static IServiceCollection AddSessionExpirySweeper(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SessionExpirySweeperOptions>().Bind(configuration).ValidateOnStartWith(static options => options.Validate());
        return services.AddSweeper();
    }

    private static IServiceCollection AddSweeper(this IServiceCollection services)
    {
        services.TryAddSingleton<ISweepLease>(static sp => sp.GetRequiredService<ISessionStore>() switch
        {
            DynamoDbSessionStore dynamoDb => new DynamoDbSweepLease(dynamoDb.Client, dynamoDb.TableName, sp.GetService<TimeProvider>(), dynamoDb.HomeRegion),
            var other => InMemorySweepLease.For(other),
        });
        services.TryAddSingleton<SweeperStatus>();
        services.AddHostedService(static sp => new SessionExpirySweeper(
            sp.GetRequiredService<ISessionStore>(),
            sp.GetRequiredService<ISweepLease>(),
            sp.GetRequiredService<IOptions<SessionExpirySweeperOptions>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<SessionExpirySweeper>>(),
            sp.GetRequiredService<SweeperStatus>()));
        return services;
    }
}
