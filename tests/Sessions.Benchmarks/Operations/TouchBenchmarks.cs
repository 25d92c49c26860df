using Amazon.DynamoDBv2.DocumentModel;
using Amazon.DynamoDBv2.Model;
using static Sessions.DynamoDb.SessionExpressions;

namespace Sessions.Benchmarks.Operations;

/// <summary>Touch: one conditional UpdateItem (stamp, count and writer slot), no read; the old item comes back and is checked.</summary>
public class TouchBenchmarks : OperationBenchmark
{
    private readonly string _id = BenchmarkData.Session.Id;

    [Benchmark(Baseline = true)]
    public override Task<UpdateItemResponse> RawSdk() =>
        Client.UpdateItemAsync(HandWrittenTouch.Request(TableName, _id, Clock.GetUtcNow()));

    [Benchmark]
    public override Task Store() => SessionStore.TouchAsync(_id);

    /// <summary>The context has no atomic increment; its document model <see cref="Table"/> sends the same expression.</summary>
    [Benchmark]
    public override Task<Document> Context()
    {
        var now = new Primitive(HandWritten.Time(Clock.GetUtcNow()).S);
        return Table.UpdateItemAsync(new UpdateItemDocumentOperationRequest
        {
            Key = new Dictionary<string, DynamoDBEntry> { ["id"] = _id },
            UpdateExpression = new Expression
            {
                ExpressionStatement = Touch,
                ExpressionAttributeNames = { [LastAccessName] = "last_access_at", [CountName] = "request_count", [SlotName] = HandWritten.SlotAttribute },
                ExpressionAttributeValues = { [NowValue] = now, [OneValue] = 1, [SlotValue] = new Primitive(HandWritten.NextSlotNumber().N, saveAsNumeric: true) },
            },
            ConditionalExpression = new Expression
            {
                ExpressionStatement = TouchCondition,
                ExpressionAttributeNames = { [StatusName] = "status", [ExpiresName] = "expires_at", [VersionName] = "version" },
                ExpressionAttributeValues = { [ActiveValue] = "active", [NowValue] = now, [TimestampLengthValue] = 28, [TeeValue] = "T", [ZedValue] = "Z", [NumberTypeValue] = "N", [MaxCountValue] = long.MaxValue },
            },
        });
    }

    private protected override void Configure(CannedDynamoDbHandler handler) => handler.Respond("UpdateItem", BenchmarkData.AllNewResponse(BenchmarkData.Session));
}
