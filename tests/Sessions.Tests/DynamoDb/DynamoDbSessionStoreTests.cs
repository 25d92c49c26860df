using Sessions.Tests.Conformance;

namespace Sessions.Tests.DynamoDb;

/// <summary>The whole conformance suite, unchanged, against <see cref="DynamoDbSessionStore"/> on a DynamoDB-compatible server.</summary>
public abstract class DynamoDbSessionStoreTests(DynamoDbServerFixture server) : SessionStoreConformanceTests, IAsyncLifetime
{
    private string? _table;

    public async Task InitializeAsync() => _table = await server.SharedTableAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected override ISessionStore CreateStore(TimeProvider timeProvider) =>
        TestStores.DynamoDb(server.Client, _table!, timeProvider);
}

public sealed class DynamoDbSessionStoreTestsOnDynalite(DynaliteFixture server) : DynamoDbSessionStoreTests(server), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbSessionStoreTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : DynamoDbSessionStoreTests(server), IClassFixture<DynamoDbLocalFixture>;
