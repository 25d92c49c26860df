using Microsoft.Extensions.Options;

namespace Sessions.Tests.Reliability;

/// <summary>
/// A test class on its server's shared table: the table, a store on the fixture's own client for set-up and checks, a
/// fake clock that starts at <paramref name="start"/>, and the clients its tests create, disposed after each test.
/// </summary>
public abstract class SharedTableTests(DynamoDbServerFixture server, DateTimeOffset start) : IAsyncLifetime, IDisposable
{
    private readonly List<IDisposable> _clients = [];

    /// <summary>Gets the server the tests run on.</summary>
    protected DynamoDbServerFixture Server { get; } = server;

    /// <summary>Gets the test's clock.</summary>
    protected FakeTimeProvider Time { get; } = new(start);

    /// <summary>Gets the shared table's name.</summary>
    protected string Table { get; private set; } = null!;

    /// <summary>Gets a store on the fixture's client, with no faults: for set-up and for checking what was stored.</summary>
    protected DynamoDbSessionStore Setup { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Table = await Server.SharedTableAsync();
        Setup = StoreOn(Server.Client);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A store on <paramref name="client"/> and the shared table, on <paramref name="clock"/> or the test's clock.</summary>
    protected DynamoDbSessionStore StoreOn(IAmazonDynamoDB client, TimeProvider? clock = null) =>
        new(client, Options.Create(new DynamoDbSessionStoreOptions { TableName = Table }), clock ?? Time);

    /// <summary>Disposes <paramref name="client"/> after the test; returns it.</summary>
    protected T Own<T>(T client)
        where T : IDisposable
    {
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }
}
