using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Sessions.DynamoDb;
using Sessions.TestSupport.Wire;
using Xunit;

namespace Sessions.TestSupport.Servers;

/// <summary>
/// A DynamoDB-compatible server for tests, shared by the whole test run: the endpoint in
/// <c>SESSIONS_DYNAMODB_ENDPOINT</c> when that is set, otherwise one server of <see cref="Kind"/> (tests/dynamodb-local)
/// started on first use and stopped when the test process exits. A DynamoDB-backed test class is abstract and takes this
/// fixture in its constructor; two sealed one-line subclasses run it on both servers, one with
/// <c>IClassFixture&lt;DynaliteFixture&gt;</c> and one with <c>IClassFixture&lt;DynamoDbLocalFixture&gt;</c>. Every class
/// gets its own clients and tables on the one server of its kind, so classes still run in parallel.
/// </summary>
public abstract class DynamoDbServerFixture : IAsyncLifetime
{
    /// <summary>The environment variable naming an external server, for example <c>http://localhost:8000</c>.</summary>
    public const string EndpointVariable = "SESSIONS_DYNAMODB_ENDPOINT";

    private static readonly ConcurrentDictionary<LocalServerKind, Lazy<Task<Uri>>> s_endpoints = new();
    private static readonly ConcurrentDictionary<LocalServerKind, Lazy<Task<ServerCapabilities>>> s_capabilities = new();

    private readonly ConcurrentBag<IDisposable> _owned = [];
    private readonly ConcurrentBag<string> _tables = [];
    private readonly Lazy<Task<string>> _classTable;
    private Uri? _endpoint;
    private IAmazonDynamoDB? _client;

    protected DynamoDbServerFixture(LocalServerKind kind)
    {
        Kind = kind;
        _classTable = new Lazy<Task<string>>(() => CreateTableAsync());
    }

    /// <summary>Gets which server the tests run against (ignored when <see cref="EndpointVariable"/> names one).</summary>
    public LocalServerKind Kind { get; }

    /// <summary>
    /// Gets the credentials test clients sign with, by the library's own rule (<see cref="DynamoDbClientFactory"/>): for
    /// a loopback server the environment's keys or shared profile, else placeholders; for any other endpoint
    /// <see langword="null"/>, the AWS credential chain, so a real table can be used. Worked out once, when the fixture starts.
    /// </summary>
    public AWSCredentials? Credentials { get; private set; }

    /// <summary>Gets the server's URL.</summary>
    public Uri Endpoint => _endpoint ?? throw new InvalidOperationException("The fixture is not initialized yet.");

    /// <summary>Gets a client of this fixture without test handlers, for setup and inspection.</summary>
    public IAmazonDynamoDB Client => _client ?? throw new InvalidOperationException("The fixture is not initialized yet.");

    /// <summary>Starts the shared server if this is the first fixture of the run, and checks that it answers.</summary>
    public async Task InitializeAsync()
    {
        _endpoint = await s_endpoints.GetOrAdd(Kind, kind => new Lazy<Task<Uri>>(() => StartServerAsync(kind))).Value;
        Credentials = DynamoDbClientFactory.Credentials(_endpoint, profile: null);
        _client = CreateClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _client.ListTablesAsync(new ListTablesRequest { Limit = 1 }, timeout.Token);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or OperationCanceledException or HttpRequestException)
        {
            throw new InvalidOperationException($"The DynamoDB-compatible server at {_endpoint} does not answer ListTables: {ex.Message}", ex);
        }
    }

    /// <summary>Deletes the tables this fixture handed out and disposes its clients. The shared server keeps running.</summary>
    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await Task.WhenAll(_tables.Select(DeleteTableAsync));
        }

        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    /// <summary>
    /// Creates a client of the server whose requests pass through <paramref name="handler"/> first (for example a
    /// <see cref="CountingHandler"/>, or a chain of handlers ending in a <see cref="FaultInjectingHandler"/>); a handler
    /// serves one client. Keeps the SDK's standard retries, whose backoff for DynamoDB is a few tens of milliseconds,
    /// but without the shared retry quota, so one test's injected faults cannot use up another test's retries.
    /// An <see cref="ExpiredTtlGuard"/> comes first: a write whose ttl has passed by the real clock fails at once.
    /// The fixture disposes the client.
    /// </summary>
    /// <param name="handler">The test's handler (chain), or <see langword="null"/>.</param>
    /// <param name="allowPastTtl">Leaves out the <see cref="ExpiredTtlGuard"/>, for a test of TTL itself.</param>
    public IAmazonDynamoDB CreateClient(HttpMessageHandler? handler = null, bool allowPastTtl = false)
    {
        var config = Config(handler, allowPastTtl);
        var client = Credentials is { } credentials ? new AmazonDynamoDBClient(credentials, config) : new AmazonDynamoDBClient(config);
        _owned.Add(client);
        return client;
    }

    /// <summary>Creates a client that records the capacity each request consumed, as the server reports it.</summary>
    public CapacityMeteringClient CreateCapacityMeteringClient()
    {
        var client = new CapacityMeteringClient(Credentials, Config(handler: null, allowPastTtl: false));
        _owned.Add(client);
        return client;
    }

    /// <summary>
    /// The settings of a client of this server, built as the library builds them (<see cref="DynamoDbClientFactory"/>;
    /// <c>AWS_REGION</c>, if set, is the signing region), whose requests go through <paramref name="httpClientFactory"/>:
    /// the SDK's standard retries without the shared retry quota, so one test's injected faults cannot use up another
    /// test's retries. The SDK's clock skew correction is off: some tests give the server a clock of their own
    /// (<see cref="ServerClockHandler"/>), and the SDK keeps what it measures per endpoint for the whole process.
    /// </summary>
    public AmazonDynamoDBConfig ClientConfig(HttpClientFactory httpClientFactory)
    {
        var config = DynamoDbClientFactory.Config(Endpoint, Environment.GetEnvironmentVariable("AWS_REGION"));
        config.HttpClientFactory = httpClientFactory;
        config.RetryMode = RequestRetryMode.Standard;
        config.ThrottleRetries = false;
        config.DisableClockSkewCorrection = true;
        return config;
    }

    private AmazonDynamoDBConfig Config(HttpMessageHandler? handler, bool allowPastTtl)
    {
        var factory = new HandlerHttpClientFactory(allowPastTtl ? handler
            : handler is null ? new ExpiredTtlGuard()
            : new ExpiredTtlGuard { InnerHandler = handler });
        _owned.Add(factory);
        return ClientConfig(factory);
    }

    /// <summary>Returns a fresh table name (<c>sessions-test-</c> and 12 hex digits); the fixture deletes the table at the end.</summary>
    public string NewTableName()
    {
        var name = "sessions-test-" + Guid.NewGuid().ToString("N")[..12];
        _tables.Add(name);
        return name;
    }

    /// <summary>Creates a session table under a fresh name with <see cref="SessionTable.EnsureCreatedAsync"/> and returns the name.</summary>
    public async Task<string> CreateTableAsync(CancellationToken cancellationToken = default)
    {
        var name = NewTableName();
        await SessionTable.EnsureCreatedAsync(Client, name, cancellationToken);
        return name;
    }

    /// <summary>
    /// Creates a session table in the original tool's layout (the same four indexes, projecting ALL attributes) under
    /// a fresh name, provisioned by <see cref="SessionTable.EnsureCreatedAsync"/>, and returns the name.
    /// </summary>
    public async Task<string> CreateAllProjectedTableAsync(CancellationToken cancellationToken = default)
    {
        var name = NewTableName();
        var request = SessionTable.CreateTableRequest(name);
        request.GlobalSecondaryIndexes.ForEach(index => index.Projection = new Projection { ProjectionType = ProjectionType.ALL });
        await Client.CreateTableAsync(request, cancellationToken);
        await SessionTable.EnsureCreatedAsync(Client, name, cancellationToken);
        return name;
    }

    /// <summary>
    /// Creates a session table under a fresh name without enabling TTL, for tests that store sessions whose expiry lies
    /// in the past by the real clock (which a server with TTL would delete), and returns the name. Use it with a client
    /// from <see cref="CreateClient"/> with <c>allowPastTtl: true</c>.
    /// </summary>
    public async Task<string> CreateTableWithoutTtlAsync(CancellationToken cancellationToken = default)
    {
        var name = NewTableName();
        await Client.CreateTableAsync(SessionTable.CreateTableRequest(name), cancellationToken);
        while ((await Client.DescribeTableAsync(new DescribeTableRequest { TableName = name }, cancellationToken)).Table.TableStatus != TableStatus.ACTIVE)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }

        return name;
    }

    /// <summary>
    /// Returns the table of the test class that owns this fixture, creating it on first use: the tests of one class
    /// share it, so they keep to their own users, profiles, server instances and time windows.
    /// </summary>
    public Task<string> SharedTableAsync() => _classTable.Value;

    private async Task DeleteTableAsync(string tableName)
    {
        try
        {
            await Client.DeleteTableAsync(new DeleteTableRequest { TableName = tableName });
        }
        catch (AmazonDynamoDBException)
        {
            // Never created, or already gone.
        }
    }

    /// <summary>
    /// Asks the server, once per run, what it does where DynamoDB-compatible servers differ, so a test can assert the
    /// stronger behaviour where the server has it.
    /// </summary>
    public Task<ServerCapabilities> CapabilitiesAsync() =>
        s_capabilities.GetOrAdd(Kind, _ => new Lazy<Task<ServerCapabilities>>(() => ServerCapabilities.ProbeAsync(Client, CreateTableAsync))).Value;

    private static async Task<Uri> StartServerAsync(LocalServerKind kind)
    {
        var configured = Environment.GetEnvironmentVariable(EndpointVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Uri.TryCreate(configured, UriKind.Absolute, out var endpoint)
                ? endpoint
                : throw new InvalidOperationException($"{EndpointVariable} must be an absolute URL such as http://localhost:8000 (got '{configured}').");
        }

        var server = await LocalServerProcess.StartAsync(kind, CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server.Endpoint;
    }
}
