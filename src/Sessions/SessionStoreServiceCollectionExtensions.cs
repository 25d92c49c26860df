using Microsoft.Extensions.DependencyInjection.Extensions;
using Sessions;
using Sessions.InMemory;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers an <see cref="ISessionStore"/> in a service collection.</summary>
public static class SessionStoreServiceCollectionExtensions
{
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
}
