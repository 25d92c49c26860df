using Microsoft.Extensions.Time.Testing;
using Sessions.DynamoDb;
using Sessions.TestSupport.Servers;
using Xunit;

namespace Sessions.TestSupport.Stores;

/// <summary>
/// A DynamoDB test class whose every test gets a table of its own, created before the test (the fixture deletes it at
/// the end of the run), and a store on it through the fixture's plain client, on a fake clock that starts at
/// <paramref name="now"/>. For tests that write items other writers made, or that read or change the whole table.
/// </summary>
/// <param name="server">The server the table is created on.</param>
/// <param name="now">Where <see cref="Time"/> starts.</param>
/// <param name="retention">The store's <see cref="DynamoDbSessionStoreOptions.Retention"/>, or <see langword="null"/> for its default.</param>
/// <param name="allProjected">Creates the table in the original tool's layout (<see cref="DynamoDbServerFixture.CreateAllProjectedTableAsync"/>).</param>
public abstract class NewTableTests(DynamoDbServerFixture server, DateTimeOffset now, TimeSpan? retention = null, bool allProjected = false) : IAsyncLifetime
{
    /// <summary>Gets the server the table is on.</summary>
    protected DynamoDbServerFixture Server => server;

    /// <summary>Gets the store's clock.</summary>
    protected FakeTimeProvider Time { get; } = new(now);

    /// <summary>Gets the name of this test's table.</summary>
    protected string Table { get; private set; } = null!;

    /// <summary>Gets the store on <see cref="Table"/>.</summary>
    protected DynamoDbSessionStore Store { get; private set; } = null!;

    /// <summary>Creates the table and the store.</summary>
    public virtual async Task InitializeAsync()
    {
        Table = allProjected ? await server.CreateAllProjectedTableAsync() : await server.CreateTableAsync();
        Store = TestStores.DynamoDb(server.Client, Table, Time, retention);
    }

    /// <summary>Does nothing: the fixture deletes the table.</summary>
    public Task DisposeAsync() => Task.CompletedTask;
}
