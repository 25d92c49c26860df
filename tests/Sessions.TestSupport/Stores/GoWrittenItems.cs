using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Sessions.DynamoDb;

namespace Sessions.TestSupport.Stores;

/// <summary>
/// Items as the original Go tool writes them: RFC3339Nano timestamps (zero fractions trimmed), <c>updated_at</c> in
/// local time with an offset, <c>""</c> for unset strings, an extra <c>device_id</c>, and no <c>version</c>.
/// </summary>
public static class GoWrittenItems
{
    public const string DeviceId = "device_id";

    /// <summary>An Active session in the Go tool's layout; every timestamp string is written exactly as given.</summary>
    public static Dictionary<string, AttributeValue> Active(
        string id, string user, string profile, string instance, string startedAt, string expiresAt, string? createdAt = null, string? updatedAt = null) => new(StringComparer.Ordinal)
    {
        [SessionItem.Id] = SessionItem.S(id),
        [SessionItem.User] = SessionItem.S(user),
        [SessionItem.Profile] = SessionItem.S(profile),
        [SessionItem.ServerInstanceId] = SessionItem.S(instance),
        [SessionItem.Status] = SessionItem.S("active"),
        [SessionItem.StartedAt] = SessionItem.S(startedAt),
        [SessionItem.LastAccessAt] = SessionItem.S(startedAt),
        [SessionItem.ExpiresAt] = SessionItem.S(expiresAt),
        [SessionItem.RequestCount] = SessionItem.N(0),
        [SessionItem.SourceIdentity] = SessionItem.S(string.Empty),
        [SessionItem.CreatedAt] = SessionItem.S(createdAt ?? startedAt),
        [SessionItem.UpdatedAt] = SessionItem.S(updatedAt ?? startedAt),
        [SessionItem.RevokedBy] = SessionItem.S(string.Empty),
        [SessionItem.RevokedReason] = SessionItem.S(string.Empty),
        [DeviceId] = SessionItem.S("dev-" + id[..4]),
        [SessionItem.Ttl] = SessionItem.N(4_102_444_800),
    };

    /// <summary>Go's RFC3339Nano of an instant in a zone: zero fractions trimmed, <c>Z</c> for UTC, else the offset.</summary>
    public static string Rfc3339Nano(DateTimeOffset instant, TimeSpan offset)
    {
        var local = instant.ToOffset(offset);
        var text = local.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return text + (offset == TimeSpan.Zero ? "Z" : local.ToString("zzz", System.Globalization.CultureInfo.InvariantCulture));
    }

    public static Task PutAsync(IAmazonDynamoDB client, string table, Dictionary<string, AttributeValue> item) =>
        client.PutItemAsync(new PutItemRequest { TableName = table, Item = item });

    public static async Task<Dictionary<string, AttributeValue>> RawAsync(IAmazonDynamoDB client, string table, string id) =>
        (await client.GetItemAsync(new GetItemRequest { TableName = table, Key = SessionItem.Key(id), ConsistentRead = true })).Item;
}
