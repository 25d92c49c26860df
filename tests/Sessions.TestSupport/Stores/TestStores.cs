using Amazon.DynamoDBv2;
using Microsoft.Extensions.Options;
using Sessions.DynamoDb;

namespace Sessions.TestSupport.Stores;

/// <summary>How the tests build a DynamoDB store: one line for the table, the client and the clock.</summary>
public static class TestStores
{
    /// <summary>The store of <paramref name="table"/> through <paramref name="client"/>, on <paramref name="time"/> (the system clock when <see langword="null"/>).</summary>
    public static DynamoDbSessionStore DynamoDb(IAmazonDynamoDB client, string table, TimeProvider? time = null, TimeSpan? retention = null)
    {
        var options = new DynamoDbSessionStoreOptions { TableName = table };
        if (retention is { } kept)
        {
            options.Retention = kept;
        }

        return new DynamoDbSessionStore(client, Options.Create(options), time);
    }
}
