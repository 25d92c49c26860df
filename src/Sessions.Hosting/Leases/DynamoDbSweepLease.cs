using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Sessions.Hosting.Leases;

/// <summary>
/// The sweeper lease as one item of the session table, taken, renewed and released with conditional <c>UpdateItem</c>
/// requests. Its key, <see cref="Key"/>, can never be a session id (those are 16 lower-case hex digits), and it has
/// none of the index key attributes (<c>user</c>, <c>status</c>, <c>profile</c>, <c>server_instance_id</c>,
/// <c>created_at</c>), so no list ever meets it; it has no <c>ttl</c>, so DynamoDB never deletes it and the fence only
/// grows.
/// </summary>
internal sealed class DynamoDbSweepLease : ISweepLease
{
    /// <summary>The id of the lease item.</summary>
    public const string Key = "lease#expiry-sweeper";

    /// <summary>The attribute naming the instance that holds the lease.</summary>
    public const string OwnerAttribute = "lease_owner";

    /// <summary>The attribute holding the fencing number (N), one larger for every new tenure.</summary>
    public const string FenceAttribute = "lease_fence";

    /// <summary>The attribute holding the lease's expiry (N, Unix time in milliseconds).</summary>
    public const string ExpiresAttribute = "lease_expires_at";

    private const string Take = "SET #owner = :owner, #expires = :until, #fence = if_not_exists(#fence, :zero) + :one";
    private const string Free = "attribute_not_exists(#id) OR #expires <= :now";
    private const string Extend = "SET #expires = :until";
    private const string Tenure = "#owner = :owner AND #fence = :fence AND #expires > :now";

    private static readonly Dictionary<string, string> TakeNames = new(StringComparer.Ordinal)
    {
        ["#id"] = "id",
        ["#owner"] = OwnerAttribute,
        ["#expires"] = ExpiresAttribute,
        ["#fence"] = FenceAttribute,
    };

    private static readonly Dictionary<string, string> TenureNames = new(StringComparer.Ordinal)
    {
        ["#owner"] = OwnerAttribute,
        ["#expires"] = ExpiresAttribute,
        ["#fence"] = FenceAttribute,
    };

    private readonly IAmazonDynamoDB _client;
    private readonly string _tableName;

    public DynamoDbSweepLease(IAmazonDynamoDB client, string tableName)
    {
        _client = client;
        _tableName = tableName;
    }

    public async Task<SweepLease> TryTakeAsync(string owner, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var until = WholeMillis(now + duration);
        var request = new UpdateItemRequest
        {
            TableName = _tableName,
            Key = LeaseKey(),
            UpdateExpression = Take,
            ConditionExpression = Free,
            ExpressionAttributeNames = TakeNames,
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
            {
                [":owner"] = new() { S = owner },
                [":until"] = Millis(until),
                [":now"] = Millis(now),
                [":zero"] = new() { N = "0" },
                [":one"] = new() { N = "1" },
            },
            ReturnValues = ReturnValue.ALL_NEW,
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };
        try
        {
            var response = await _client.UpdateItemAsync(request, cancellationToken).ConfigureAwait(false);
            return Parse(response.Attributes);
        }
        catch (ConditionalCheckFailedException failed)
        {
            // Held by someone, or by this owner already (for example a retry whose first answer was lost): extend it then.
            var holder = failed.Item is { Count: > 0 } old ? Parse(old) : await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (holder is not null && holder.IsHeldBy(owner, now))
            {
                return await TryRenewAsync(holder, duration, now, cancellationToken).ConfigureAwait(false)
                    ?? await ReadAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw Fault("TakeSweeperLease", "the lease item vanished", null);
            }

            return holder ?? throw Fault("TakeSweeperLease", "the lease item vanished", null);
        }
        catch (AmazonDynamoDBException ex)
        {
            throw Fault("TakeSweeperLease", ex.Message, ex);
        }
    }

    public async Task<SweepLease?> TryRenewAsync(SweepLease held, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var until = WholeMillis(now + duration);
        try
        {
            await _client.UpdateItemAsync(TenureRequest(held, Millis(until), now), cancellationToken).ConfigureAwait(false);
            return held with { ExpiresAt = until };
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
        catch (AmazonDynamoDBException ex)
        {
            throw Fault("RenewSweeperLease", ex.Message, ex);
        }
    }

    public async Task ReleaseAsync(SweepLease held, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await _client.UpdateItemAsync(TenureRequest(held, Millis(now), now), cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // The tenure had ended already: nothing to release.
        }
        catch (AmazonDynamoDBException ex)
        {
            throw Fault("ReleaseSweeperLease", ex.Message, ex);
        }
    }

    /// <summary>Reads the lease item (consistent), or <see langword="null"/> when there is none.</summary>
    public async Task<SweepLease?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.GetItemAsync(
                new GetItemRequest { TableName = _tableName, Key = LeaseKey(), ConsistentRead = true },
                cancellationToken).ConfigureAwait(false);
            return response.Item is { Count: > 0 } item ? Parse(item) : null;
        }
        catch (AmazonDynamoDBException ex)
        {
            throw Fault("ReadSweeperLease", ex.Message, ex);
        }
    }

    private UpdateItemRequest TenureRequest(SweepLease held, AttributeValue until, DateTimeOffset now) => new()
    {
        TableName = _tableName,
        Key = LeaseKey(),
        UpdateExpression = Extend,
        ConditionExpression = Tenure,
        ExpressionAttributeNames = TenureNames,
        ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [":owner"] = new() { S = held.Owner },
            [":fence"] = new() { N = held.Fence.ToString(CultureInfo.InvariantCulture) },
            [":until"] = until,
            [":now"] = Millis(now),
        },
    };

    private static Dictionary<string, AttributeValue> LeaseKey() => new(StringComparer.Ordinal) { ["id"] = new() { S = Key } };

    /// <summary>The instant as stored: Unix milliseconds.</summary>
    private static DateTimeOffset WholeMillis(DateTimeOffset at) => DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());

    private static AttributeValue Millis(DateTimeOffset at) => new() { N = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) };

    private SweepLease Parse(Dictionary<string, AttributeValue> item)
    {
        if (item.TryGetValue(OwnerAttribute, out var owner) && owner.S is { } ownerName
            && item.TryGetValue(FenceAttribute, out var fence) && long.TryParse(fence.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var fenceNumber)
            && item.TryGetValue(ExpiresAttribute, out var expires) && long.TryParse(expires.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var expiresMillis))
        {
            return new SweepLease(ownerName, fenceNumber, DateTimeOffset.FromUnixTimeMilliseconds(expiresMillis));
        }

        throw Fault("ReadSweeperLease", $"item '{Key}' lacks {OwnerAttribute}, {FenceAttribute} or {ExpiresAttribute}, or holds them with the wrong type", null);
    }

    private SessionStoreException Fault(string operation, string problem, Exception? inner) =>
        new($"Sweeper lease on table '{_tableName}': {problem}", sessionId: null, operation, _tableName, inner);
}
