using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static Sessions.DynamoDb.SessionExpressions;

namespace Sessions.Benchmarks.Infrastructure;

/// <summary>The Touch request written by hand on the low-level client: the baseline of the Touch benchmark and of the load run.</summary>
internal static class HandWrittenTouch
{
    private static readonly Dictionary<string, string> Names = new()
    {
        [LastAccessName] = "last_access_at",
        [CountName] = "request_count",
        [StatusName] = "status",
        [ExpiresName] = "expires_at",
        [VersionName] = "version",
    };

    private static readonly AttributeValue One = HandWritten.N(1);
    private static readonly AttributeValue Active = HandWritten.S("active");
    private static readonly AttributeValue TimestampLength = HandWritten.N(28);
    private static readonly AttributeValue Tee = HandWritten.S("T");
    private static readonly AttributeValue Zed = HandWritten.S("Z");
    private static readonly AttributeValue NumberType = HandWritten.S("N");

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
        },
        ReturnValues = ReturnValue.NONE,
        ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
    };
}
