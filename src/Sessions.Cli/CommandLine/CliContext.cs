using Microsoft.Extensions.DependencyInjection;
using Sessions.Cli.Hosting;
using Sessions.Cli.Output;

namespace Sessions.Cli.CommandLine;

/// <summary>What every command runs with: where it writes, how it opens a store, and the clock.</summary>
/// <param name="Console">Standard output and error.</param>
/// <param name="OpenStore">Builds the services (store, client) for a table; <see cref="StoreFactory.DynamoDb"/> outside tests.</param>
/// <param name="Time">The clock for "now" (session start, <c>--since 2h</c>, expire-stale) and for waits (watch).</param>
/// <param name="Random">The source of jitter for retry waits (watch); <see cref="Random.Shared"/> outside tests.</param>
internal sealed record CliContext(CliConsole Console, Func<StoreConnection, ServiceProvider> OpenStore, TimeProvider Time, Random Random)
{
    /// <summary>Runs <paramref name="action"/> on the store of <paramref name="connection"/>, disposing the services afterwards.</summary>
    public async Task<int> WithStoreAsync(StoreConnection connection, Func<ISessionStore, Task<int>> action)
    {
        await using var services = OpenStore(connection);
        return await action(services.GetRequiredService<ISessionStore>());
    }
}
