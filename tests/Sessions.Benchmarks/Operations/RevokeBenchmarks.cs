using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.DocumentModel;
using Amazon.DynamoDBv2.Model;
using static Sessions.DynamoDb.SessionExpressions;

namespace Sessions.Benchmarks.Operations;

/// <summary>Revoke: one UpdateItem Active → Revoked whatever the version, ALL_NEW back.</summary>
public class RevokeBenchmarks : OperationBenchmark
{
    private static readonly Dictionary<string, string> Names = new()
    {
        [StatusName] = "status",
        [UpdatedName] = "updated_at",
        [VersionName] = "version",
        [RevokedByName] = "revoked_by",
        [RevokedReasonName] = "revoked_reason",
        [SlotName] = HandWritten.SlotAttribute,
    };

    private static readonly AttributeValue RevokedStatus = HandWritten.S("revoked");
    private static readonly AttributeValue Zero = HandWritten.N(0);
    private static readonly AttributeValue One = HandWritten.N(1);
    private static readonly AttributeValue Active = HandWritten.S("active");

    private readonly string _id = BenchmarkData.Session.Id;

    [Benchmark(Baseline = true)]
    public override Task<UpdateItemResponse> RawSdk() => Client.UpdateItemAsync(new UpdateItemRequest
    {
        TableName = TableName,
        Key = HandWritten.Key(_id),
        UpdateExpression = Revoke,
        ConditionExpression = IsActive,
        ExpressionAttributeNames = Names,
        ExpressionAttributeValues = new()
        {
            [StatusValue] = RevokedStatus,
            [NowValue] = HandWritten.Time(Clock.GetUtcNow()),
            [ZeroValue] = Zero,
            [OneValue] = One,
            [ActiveValue] = Active,
            [NumberTypeValue] = HandWritten.S("N"),
            [RevokedByValue] = HandWritten.S(BenchmarkData.Revoker),
            [RevokedReasonValue] = HandWritten.S(BenchmarkData.Reason),
            [SlotValue] = HandWritten.NextSlotNumber(),
        },
        ReturnValues = ReturnValue.ALL_NEW,
        ReturnValuesOnConditionCheckFailure = Amazon.DynamoDBv2.ReturnValuesOnConditionCheckFailure.ALL_OLD,
    });

    [Benchmark]
    public override Task<ServerSession> Store() => SessionStore.RevokeAsync(_id, BenchmarkData.Revoker, BenchmarkData.Reason);

    /// <summary>The context has no conditional partial update; its <see cref="Table"/> sends the expression and the context maps the result.</summary>
    [Benchmark]
    public override async Task<SessionDocument> Context()
    {
        var stored = await Table.UpdateItemAsync(new UpdateItemDocumentOperationRequest
        {
            Key = new Dictionary<string, DynamoDBEntry> { ["id"] = _id },
            UpdateExpression = new Expression
            {
                ExpressionStatement = Revoke,
                ExpressionAttributeNames = Names,
                ExpressionAttributeValues =
                {
                    [StatusValue] = "revoked",
                    [NowValue] = HandWritten.Time(Clock.GetUtcNow()).S,
                    [ZeroValue] = 0,
                    [OneValue] = 1,
                    [RevokedByValue] = BenchmarkData.Revoker,
                    [RevokedReasonValue] = BenchmarkData.Reason,
                    [SlotValue] = new Primitive(HandWritten.NextSlotNumber().N, saveAsNumeric: true),
                },
            },
            ConditionalExpression = new Expression
            {
                ExpressionStatement = IsActive,
                ExpressionAttributeValues = { [ActiveValue] = "active", [NumberTypeValue] = "N" },
            },
            ReturnValues = ReturnValues.AllNewAttributes,
        });
        return DbContext.FromDocument<SessionDocument>(stored);
    }

    private protected override void Configure(CannedDynamoDbHandler handler) =>
        handler.Respond("UpdateItem", BenchmarkData.AllNewResponse(BenchmarkData.Revoked));
}
