using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.DataModel;
using Amazon.DynamoDBv2.DocumentModel;
using Microsoft.Extensions.Options;
using Sessions.DynamoDb;

namespace Sessions.Benchmarks.Infrastructure;

/// <summary>
/// One store operation measured three ways over the same low-level client and canned responses: by hand on
/// <see cref="IAmazonDynamoDB"/> (the baseline), through <see cref="DynamoDbSessionStore"/>, and through the SDK's
/// high-level API. Set-up checks that the hand-written request and the store's request are the same JSON.
/// </summary>
[MemoryDiagnoser]
public abstract partial class OperationBenchmark
{
    private CannedDynamoDbHandler _handler = null!;
    private CannedDynamoDbHandler _contextHandler = null!;
    private AmazonDynamoDBClient _contextClient = null!;

    protected AmazonDynamoDBClient Client { get; private set; } = null!;

    protected DynamoDbSessionStore SessionStore { get; private set; } = null!;

    protected DynamoDBContext DbContext { get; private set; } = null!;

    protected Table Table { get; private set; } = null!;

    protected TimeProvider Clock { get; } = new FixedTimeProvider(BenchmarkData.Now);

    protected static string TableName => BenchmarkData.TableName;

    [GlobalSetup]
    public void GlobalSetup()
    {
        _handler = new CannedDynamoDbHandler();
        Configure(_handler);
        Client = BenchmarkClient.Canned(_handler);
        _contextHandler = new CannedDynamoDbHandler();
        ConfigureContext(_contextHandler);
        _contextClient = BenchmarkClient.Canned(_contextHandler);
        SessionStore = new DynamoDbSessionStore(
            Client,
            Options.Create(new DynamoDbSessionStoreOptions { TableName = TableName, Retention = BenchmarkData.Retention }),
            Clock);
        DbContext = new DynamoDBContextBuilder()
            .WithDynamoDBClient(() => _contextClient)
            .ConfigureContext(config => config.DisableFetchingTableMetadata = true)
            .Build();
        Table = (Table)DbContext.GetTargetTable<SessionDocument>();
        ThrowUnlessSameRequestsAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        DbContext.Dispose();
        _contextClient.Dispose();
        _contextHandler.Dispose();
        Client.Dispose();
        _handler.Dispose();
    }

    /// <summary>Sets the canned response of every operation that <c>RawSdk</c> and <c>Store</c> send.</summary>
    private protected abstract void Configure(CannedDynamoDbHandler handler);

    /// <summary>Sets the canned responses of <c>Context</c>, which has its own client; by default the same.</summary>
    private protected virtual void ConfigureContext(CannedDynamoDbHandler handler) => Configure(handler);

    /// <summary>The baseline: the request written by hand on <see cref="Client"/>; set-up compares its requests with the store's.</summary>
    public abstract Task RawSdk();

    /// <summary>The operation through <see cref="SessionStore"/>; set-up compares its requests with the baseline's.</summary>
    public abstract Task Store();

    /// <summary>The operation through the SDK's high-level API (<see cref="DbContext"/> or its <see cref="Table"/>).</summary>
    public abstract Task Context();

    /// <summary>The requests each of the three methods sends, as on the wire (after <see cref="GlobalSetup"/>).</summary>
    internal async Task<IReadOnlyList<(string Method, List<CapturedRequest> Requests)>> CaptureAllAsync() =>
    [
        (nameof(RawSdk), await _handler.CaptureAsync(RawSdk)),
        (nameof(Store), await _handler.CaptureAsync(Store)),
        (nameof(Context), await _contextHandler.CaptureAsync(Context)),
    ];

    /// <summary>
    /// The request with its writer slot's name and number made alike: the store's writer is random and its number counts
    /// its own writes, so the comparison is of everything else, the slot's presence included.
    /// </summary>
    private static JsonNode? WithoutSlot(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    var slot = name == SessionExpressions.SlotValue || SlotName().IsMatch(name);
                    copy[slot && name != SessionExpressions.SlotValue ? "wseq.*" : name] = slot ? JsonNode.Parse("""{"N":"*"}""") : WithoutSlot(value?.DeepClone());
                }

                return copy;
            case JsonValue value when value.TryGetValue<string>(out var text) && SlotName().IsMatch(text):
                return JsonValue.Create("wseq.*");
            default:
                return node?.DeepClone();
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^wseq\.[a-z2-7]{8}\.[0-9]+$")]
    private static partial System.Text.RegularExpressions.Regex SlotName();

    private async Task ThrowUnlessSameRequestsAsync()
    {
        var raw = await _handler.CaptureAsync(RawSdk);
        var store = await _handler.CaptureAsync(Store);
        var same = raw.Count == store.Count && raw.Zip(store).All(pair =>
            pair.First.Operation == pair.Second.Operation
            && JsonNode.DeepEquals(WithoutSlot(JsonNode.Parse(pair.First.Body)), WithoutSlot(JsonNode.Parse(pair.Second.Body))));
        if (!same)
        {
            throw new InvalidOperationException(
                $"{GetType().Name}: the hand-written requests differ from the store's.{Environment.NewLine}" +
                $"RawSdk: {string.Join(Environment.NewLine, raw)}{Environment.NewLine}Store: {string.Join(Environment.NewLine, store)}");
        }
    }
}
