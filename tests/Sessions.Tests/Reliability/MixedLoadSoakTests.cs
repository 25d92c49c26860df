using System.Globalization;

namespace Sessions.Tests.Reliability;

/// <summary>
/// Sixteen workers of mixed load on a store for <c>SESSIONS_SOAK_SECONDS</c> seconds (default 3; set it higher by hand
/// for a long soak). No invariant may break: no Touch succeeds after its session's revocation returned, every
/// RequestCount equals its session's successful touches, no terminal session changes, and a paged walk during the load
/// returns each session that existed throughout exactly once.
/// </summary>
public abstract class MixedLoadSoakTests(ITestOutputHelper output)
{
    /// <summary>The environment variable holding the soak's duration in seconds.</summary>
    public const string DurationVariable = "SESSIONS_SOAK_SECONDS";

    private const int Workers = 16;

    protected abstract Task<ISessionStore> CreateStoreAsync();

    [Fact]
    public async Task Sixteen_workers_of_mixed_load_break_no_invariant()
    {
        var soak = new MixedLoadSoak(await CreateStoreAsync());

        await soak.RunAsync(Workers, Duration());

        var operations = soak.Operations.Values.Sum();
        output.WriteLine($"soak on {GetType().Name}: {Duration().TotalSeconds} s, {Workers} workers, {operations} operations, {soak.SessionsCreated} sessions, {soak.Violations.Count} violations");
        output.WriteLine(string.Join(", ", soak.Operations.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}")));
        soak.Violations.Should().BeEmpty();
        soak.Operations.Should().ContainKeys("Create", "Touch", "Update", "Revoke", "Expire", "Delete", "Get", "ListByUser", "ListByStatus", "FindActiveByServerInstance");
        soak.Operations["Touch"].Should().BeGreaterThan(Workers, "the load ran");
    }

    private static TimeSpan Duration() =>
        double.TryParse(Environment.GetEnvironmentVariable(DurationVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(3);
}

/// <summary>The soak on <see cref="InMemorySessionStore"/>.</summary>
public sealed class InMemoryMixedLoadSoakTests(ITestOutputHelper output) : MixedLoadSoakTests(output)
{
    protected override Task<ISessionStore> CreateStoreAsync() => Task.FromResult<ISessionStore>(new InMemorySessionStore());
}

/// <summary>The soak on <see cref="DynamoDbSessionStore"/>, on a table of its own.</summary>
public abstract class DynamoDbMixedLoadSoakTests(DynamoDbServerFixture server, ITestOutputHelper output) : MixedLoadSoakTests(output)
{
    protected override async Task<ISessionStore> CreateStoreAsync() =>
        TestStores.DynamoDb(server.Client, await server.CreateTableAsync());
}

public sealed class DynamoDbMixedLoadSoakTestsOnDynalite(DynaliteFixture server, ITestOutputHelper output) : DynamoDbMixedLoadSoakTests(server, output), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbMixedLoadSoakTestsOnDynamoDbLocal(DynamoDbLocalFixture server, ITestOutputHelper output) : DynamoDbMixedLoadSoakTests(server, output), IClassFixture<DynamoDbLocalFixture>;
