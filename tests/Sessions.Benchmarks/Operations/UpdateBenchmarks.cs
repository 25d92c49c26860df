using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static Sessions.DynamoDb.SessionExpressions;

namespace Sessions.Benchmarks.Operations;

/// <summary>
/// Update: one UpdateItem of the mutable fields, on condition of Active, the caller's version, and stored StartedAt and
/// ExpiresAt in the stored form (after StartedAt, not yet expired); ALL_NEW back.
/// </summary>
public class UpdateBenchmarks : OperationBenchmark
{
    /// <summary>An Active session has no revocation fields, so the update removes them.</summary>
    private const string Expression = UpdateRemovingRevocation;

    private static readonly Dictionary<string, string> Names = new()
    {
        [StatusName] = "status",
        [ExpiresName] = "expires_at",
        [SourceName] = "source_identity",
        [UpdatedName] = "updated_at",
        [TtlName] = "ttl",
        [VersionName] = "version",
        [RevokedByName] = "revoked_by",
        [RevokedReasonName] = "revoked_reason",
        [StartedName] = "started_at",
        [SlotName] = HandWritten.SlotAttribute,
    };

    private static readonly AttributeValue Active = HandWritten.S("active");

    private readonly ServerSession _session = BenchmarkData.Session with { ExpiresAt = BenchmarkData.Session.ExpiresAt.AddHours(1) };
    private readonly SessionDocument _document = SessionDocument.From(BenchmarkData.Session, BenchmarkData.Retention);

    [Benchmark(Baseline = true)]
    public override Task<UpdateItemResponse> RawSdk()
    {
        var s = _session;
        return Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = TableName,
            Key = HandWritten.Key(s.Id),
            UpdateExpression = Expression,
            ConditionExpression = UpdateVersioned + UpdateAfterStart + UpdateNotExpired,
            ExpressionAttributeNames = Names,
            ExpressionAttributeValues = new()
            {
                [StatusValue] = HandWritten.S("active"),
                [ExpiresValue] = HandWritten.Time(s.ExpiresAt),
                [SourceValue] = HandWritten.S(s.SourceIdentity),
                [NowValue] = HandWritten.Time(Clock.GetUtcNow()),
                [TtlValue] = HandWritten.Ttl(s.ExpiresAt, BenchmarkData.Retention),
                [NextVersionValue] = HandWritten.N(s.Version + 1),
                [ActiveValue] = Active,
                [TimestampLengthValue] = HandWritten.N(28),
                [TeeValue] = HandWritten.S("T"),
                [ZedValue] = HandWritten.S("Z"),
                [VersionValue] = HandWritten.N(s.Version),
                [SlotValue] = HandWritten.NextSlotNumber(),
            },
            ReturnValues = ReturnValue.ALL_NEW,
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        });
    }

    [Benchmark]
    public override Task<ServerSession> Store() => SessionStore.UpdateAsync(_session);

    /// <summary>The context's optimistic save: every attribute, on condition of the version it read.</summary>
    [Benchmark]
    public override Task Context()
    {
        _document.Version = 1;
        _document.ExpiresAt = _session.ExpiresAt;
        return DbContext.SaveAsync(_document);
    }

    private protected override void Configure(CannedDynamoDbHandler handler) =>
        handler.Respond("UpdateItem", BenchmarkData.AllNewResponse(BenchmarkData.Session with { ExpiresAt = BenchmarkData.Session.ExpiresAt.AddHours(1), Version = 2 }));

    /// <summary>The context's save asks for no attributes back.</summary>
    private protected override void ConfigureContext(CannedDynamoDbHandler handler) => handler.Respond("UpdateItem", "{}");
}
