using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static Sessions.DynamoDb.SessionExpressions;

namespace Sessions.Benchmarks.Operations;

/// <summary>Create: one PutItem of the whole item, on condition that no item has the id.</summary>
public class CreateBenchmarks : OperationBenchmark
{
    private static readonly Dictionary<string, string> Names = new() { [IdName] = "id" };

    private readonly ServerSession _session = BenchmarkData.New;
    private readonly SessionDocument _document = SessionDocument.From(BenchmarkData.New, BenchmarkData.Retention);

    [Benchmark(Baseline = true)]
    public override Task<PutItemResponse> RawSdk()
    {
        var s = _session;
        var item = new Dictionary<string, AttributeValue>
        {
            ["id"] = HandWritten.S(s.Id),
            ["user"] = HandWritten.S(s.User),
            ["profile"] = HandWritten.S(s.Profile),
            ["server_instance_id"] = HandWritten.S(s.ServerInstanceId),
            ["status"] = HandWritten.S("active"),
            ["started_at"] = HandWritten.Time(s.StartedAt),
            ["last_access_at"] = HandWritten.Time(s.LastAccessAt),
            ["expires_at"] = HandWritten.Time(s.ExpiresAt),
            ["request_count"] = HandWritten.N(s.RequestCount),
            ["source_identity"] = HandWritten.S(s.SourceIdentity),
            ["created_at"] = HandWritten.Time(s.CreatedAt),
            ["updated_at"] = HandWritten.Time(s.UpdatedAt),
            ["version"] = HandWritten.N(1),
            ["ttl"] = HandWritten.Ttl(s.ExpiresAt, BenchmarkData.Retention),
            [HandWritten.SlotAttribute] = HandWritten.NextSlotNumber(),
        };
        return Client.PutItemAsync(new PutItemRequest
        {
            TableName = TableName,
            Item = item,
            ConditionExpression = NotExists,
            ExpressionAttributeNames = Names,
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        });
    }

    [Benchmark]
    public override Task<ServerSession> Store() => SessionStore.CreateAsync(_session);

    /// <summary>The context's own guard for a new item: no stored <c>version</c> (it sets the version it saves).</summary>
    [Benchmark]
    public override Task Context()
    {
        _document.Version = null;
        return DbContext.SaveAsync(_document);
    }

    private protected override void Configure(CannedDynamoDbHandler handler) => handler.Respond("PutItem", "{}");

    /// <summary>The context saves with UpdateItem and asks for no attributes back.</summary>
    private protected override void ConfigureContext(CannedDynamoDbHandler handler) => handler.Respond("UpdateItem", "{}");
}
