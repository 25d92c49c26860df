using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Sessions.DynamoDb;

namespace Sessions.TestSupport.Servers;

/// <summary>
/// What a DynamoDB-compatible server does where servers differ, asked of the server itself rather than assumed from
/// its name: tests assert the stronger behaviour wherever the server has it.
/// </summary>
/// <param name="ReturnsOldItemOnConditionFailure">
/// A failed condition with <c>ReturnValuesOnConditionCheckFailure = ALL_OLD</c> returns the stored item (DynamoDB and
/// DynamoDB Local do; dynalite ignores the setting), so a refused write costs one request instead of two.
/// </param>
/// <param name="ReportsIndexCapacity">
/// <c>ReturnConsumedCapacity = INDEXES</c> reports the write units of each index a write touched (DynamoDB Local
/// does; dynalite reports the table's only).
/// </param>
public sealed record ServerCapabilities(bool ReturnsOldItemOnConditionFailure, bool ReportsIndexCapacity)
{
    /// <summary>Asks the server with a conditional put that must fail, on a fresh session table.</summary>
    public static async Task<ServerCapabilities> ProbeAsync(IAmazonDynamoDB client, Func<CancellationToken, Task<string>> createTable)
    {
        var table = await createTable(CancellationToken.None);
        var item = new Dictionary<string, AttributeValue>
        {
            [SessionItem.Id] = new() { S = "0000000000000000" },
            [SessionItem.Status] = new() { S = "active" },
            [SessionItem.CreatedAt] = new() { S = "2000-01-01T00:00:00.0000000Z" },
        };
        var put = await client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = item,
            ReturnConsumedCapacity = ReturnConsumedCapacity.INDEXES,
        });
        var reportsIndexCapacity = put.ConsumedCapacity?.GlobalSecondaryIndexes is { Count: > 0 };

        try
        {
            await client.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = item,
                ConditionExpression = "attribute_not_exists(id)",
                ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
            });
            throw new InvalidOperationException($"The server accepted a put whose condition was false (table '{table}').");
        }
        catch (ConditionalCheckFailedException failed)
        {
            return new ServerCapabilities(failed.Item is { Count: > 0 }, reportsIndexCapacity);
        }
    }
}
