using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static Sessions.DynamoDb.SessionExpressions;

namespace Sessions.Benchmarks.Infrastructure;

/// <summary>
/// The Touch request written by hand on the low-level client: the baseline of the Touch benchmark and of the load run.
/// It does the same work as the store's: a writer slot's number (applied once however often the SDK sends it) and the
/// old item back (to refuse a damaged one).
/// </summary>
internal static class HandWrittenTouch
{
    private static readonly Dictionary<string, string> Names = new()
    {
        [LastAccessName] = "last_access_at",
        [CountName] = "request_count",
        [StatusName] = "status",
        [ExpiresName] = "expires_at",
        [VersionName] = "version",
        [SlotName] = HandWritten.SlotAttribute,
    };

    private static readonly AttributeValue One = HandWritten.N(1);
    private static readonly AttributeValue Active = HandWritten.S("active");
    private static readonly AttributeValue TimestampLength = HandWritten.N(28);
    private static readonly AttributeValue Tee = HandWritten.S("T");
    private static readonly AttributeValue Zed = HandWritten.S("Z");
    private static readonly AttributeValue NumberType = HandWritten.S("N");
    private static readonly AttributeValue MaxCount = HandWritten.N(long.MaxValue);

    public static UpdateItemRequest Request(string tableName, string id, DateTimeOffset now) => new()
    {
        TableName = tableName,
        Key = HandWritten.Key(id),
        UpdateExpression = Touch,
        ConditionExpression = TouchCondition,
        ExpressionAttributeNames = Names,
        ExpressionAttributeValues = new()
        {
            [NowValue] = HandWritten.Time(now),
            [OneValue] = One,
            [ActiveValue] = Active,
            [TimestampLengthValue] = TimestampLength,
            [TeeValue] = Tee,
            [ZedValue] = Zed,
            [NumberTypeValue] = NumberType,
            [MaxCountValue] = MaxCount,
            [SlotValue] = HandWritten.NextSlotNumber(),
        },
        ReturnValues = ReturnValue.ALL_OLD,
        ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
    };
}
