using Amazon.DynamoDBv2.DataModel;
using Amazon.DynamoDBv2.DocumentModel;
using Amazon.DynamoDBv2.Model;
using Sessions.DynamoDb;
using static Sessions.DynamoDb.SessionExpressions;

namespace Sessions.Benchmarks.Operations;

/// <summary>
/// One page of 100 sessions of a user, newest first: a Query of the KEYS_ONLY <c>gsi-user</c> index, then one
/// consistent BatchGetItem of the 100 items.
/// </summary>
public class ListByUserBenchmarks : OperationBenchmark
{
    private const int Limit = BenchmarkData.PageSize;

    private static readonly Dictionary<string, string> Names = new()
    {
        [PartitionName] = "user",
        [IdName] = "id",
        [CreatedName] = "created_at",
    };

    private static readonly BatchGetConfig ConsistentBatch = new() { ConsistentRead = true };
    private static readonly FromQueryConfig NoConfig = new();

    private readonly string _user = BenchmarkData.User;

    /// <summary>The same two requests; the items come back as DynamoDB answers them, unmapped and unordered.</summary>
    [Benchmark(Baseline = true)]
    public override async Task<List<Dictionary<string, AttributeValue>>> RawSdk()
    {
        var page = await Client.QueryAsync(new QueryRequest
        {
            TableName = TableName,
            IndexName = SessionTable.UserIndex,
            KeyConditionExpression = PartitionKey,
            ExpressionAttributeNames = Names,
            ExpressionAttributeValues = new() { [PartitionValue] = HandWritten.S(_user) },
            ProjectionExpression = KeysOnly,
            ScanIndexForward = false,
            Limit = Limit,
        });
        var keys = new List<Dictionary<string, AttributeValue>>(page.Items.Count);
        foreach (var entry in page.Items)
        {
            keys.Add(HandWritten.Key(entry["id"].S));
        }

        var items = await Client.BatchGetItemAsync(new BatchGetItemRequest
        {
            RequestItems = new() { [TableName] = new KeysAndAttributes { Keys = keys, ConsistentRead = true } },
        });
        return items.Responses[TableName];
    }

    [Benchmark]
    public override Task<SessionPage> Store() => SessionStore.ListByUserAsync(_user);

    /// <summary>The context's query of the index for keys, then its consistent batch read, put back in index order.</summary>
    [Benchmark]
    public override async Task<List<SessionDocument>> Context()
    {
        var search = DbContext.FromQueryAsync<SessionDocument>(new QueryDocumentOperationRequest
        {
            IndexName = SessionTable.UserIndex,
            KeyConditionExpression = new Expression
            {
                ExpressionStatement = PartitionKey,
                ExpressionAttributeNames = { [PartitionName] = "user" },
                ExpressionAttributeValues = { [PartitionValue] = _user },
            },
            ProjectionExpression = new Expression
            {
                ExpressionStatement = KeysOnly,
                ExpressionAttributeNames = { [IdName] = "id", [CreatedName] = "created_at" },
            },
            Select = SelectValues.SpecificAttributes,
            BackwardSearch = true,
            Limit = Limit,
        }, NoConfig);
        var keys = await search.GetNextSetAsync();
        var batch = DbContext.CreateBatchGet<SessionDocument>(ConsistentBatch);
        foreach (var key in keys)
        {
            batch.AddKey(key.Id);
        }

        await batch.ExecuteAsync();
        var byId = batch.Results.ToDictionary(d => d.Id, StringComparer.Ordinal);
        return [.. keys.Select(k => byId[k.Id])];
    }

    private protected override void Configure(CannedDynamoDbHandler handler) => handler
        .Respond("Query", BenchmarkData.UserIndexPageResponse())
        .Respond("BatchGetItem", BenchmarkData.UserItemsResponse());
}
