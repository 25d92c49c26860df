using System.Diagnostics.CodeAnalysis;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Sessions.DynamoDb;

/// <summary>
/// The session table's schema, and its provisioning: partition key <c>id</c>, four KEYS_ONLY global secondary indexes,
/// on-demand billing, and DynamoDB TTL on <c>ttl</c>. KEYS_ONLY indexes mean a Touch, which changes no key attribute,
/// writes the base item only: one write unit, no index writes.
/// </summary>
public static class SessionTable
{
    /// <summary>The index over <c>user</c> and <c>created_at</c>, read by ListByUser.</summary>
    public const string UserIndex = "gsi-user";

    /// <summary>The index over <c>status</c> and <c>created_at</c>, read by ListByStatus and ListByTimeRange.</summary>
    public const string StatusIndex = "gsi-status";

    /// <summary>The index over <c>profile</c> and <c>created_at</c>, read by ListByProfile.</summary>
    public const string ProfileIndex = "gsi-profile";

    /// <summary>The index over <c>server_instance_id</c> and <c>status</c>, read by FindActiveByServerInstance.</summary>
    public const string ServerInstanceIndex = "gsi-server-instance";

    private const string UnknownOperation = "UnknownOperationException";
    private const string ValidationError = "ValidationException";

    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(2);

    /// <summary>Describes the table: key, attributes, indexes and on-demand billing.</summary>
    /// <param name="tableName">The table name.</param>
    /// <returns>A request ready for <see cref="IAmazonDynamoDB.CreateTableAsync(CreateTableRequest, CancellationToken)"/>.</returns>
    public static CreateTableRequest CreateTableRequest(string tableName)
    {
        DynamoDbSessionStoreOptions.ThrowIfInvalidTableName(tableName);
        return new CreateTableRequest
        {
            TableName = tableName,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [new KeySchemaElement(SessionItem.Id, KeyType.HASH)],
            AttributeDefinitions =
            [
                new AttributeDefinition(SessionItem.Id, ScalarAttributeType.S),
                new AttributeDefinition(SessionItem.User, ScalarAttributeType.S),
                new AttributeDefinition(SessionItem.Status, ScalarAttributeType.S),
                new AttributeDefinition(SessionItem.Profile, ScalarAttributeType.S),
                new AttributeDefinition(SessionItem.ServerInstanceId, ScalarAttributeType.S),
                new AttributeDefinition(SessionItem.CreatedAt, ScalarAttributeType.S),
            ],
            GlobalSecondaryIndexes =
            [
                Index(UserIndex, SessionItem.User, SessionItem.CreatedAt),
                Index(StatusIndex, SessionItem.Status, SessionItem.CreatedAt),
                Index(ProfileIndex, SessionItem.Profile, SessionItem.CreatedAt),
                Index(ServerInstanceIndex, SessionItem.ServerInstanceId, SessionItem.Status),
            ],
        };
    }

    /// <summary>
    /// Creates the table when it is missing, waits until it and its indexes are ACTIVE, and enables TTL on <c>ttl</c>.
    /// Safe to call again, and from several processes at once. An existing table must have the key <c>id</c> and the
    /// four indexes (their projection may be ALL). On a DynamoDB-compatible server without TTL (dynalite), the table is
    /// left without it.
    /// </summary>
    /// <param name="client">The DynamoDB client.</param>
    /// <param name="tableName">The table name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the table is ready.</returns>
    /// <exception cref="SessionStoreException">DynamoDB refused a request, or an existing table has another layout.</exception>
    public static async Task EnsureCreatedAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var request = CreateTableRequest(tableName);
        try
        {
            var table = await DescribeAsync(client, tableName, cancellationToken).ConfigureAwait(false);
            if (table is null)
            {
                try
                {
                    await client.CreateTableAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (ResourceInUseException)
                {
                    // Another process created it meanwhile; wait for it like for our own.
                }
            }

            if (!IsReady(table))
            {
                table = await WaitUntilActiveAsync(client, tableName, cancellationToken).ConfigureAwait(false);
            }

            ThrowIfOtherLayout(table);
            await EnableTimeToLiveAsync(client, tableName, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonDynamoDBException ex)
        {
            throw new SessionStoreException($"Could not provision session table '{tableName}': {ex.Message}", sessionId: null, "EnsureCreated", tableName, ex);
        }
    }

    private static GlobalSecondaryIndex Index(string name, string partitionKey, string sortKey) => new()
    {
        IndexName = name,
        KeySchema = [new KeySchemaElement(partitionKey, KeyType.HASH), new KeySchemaElement(sortKey, KeyType.RANGE)],
        Projection = new Projection { ProjectionType = ProjectionType.KEYS_ONLY },
    };

    /// <summary>The table's description, or <see langword="null"/> when there is no such table.</summary>
    internal static async Task<TableDescription?> DescribeAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken).ConfigureAwait(false);
            return response.Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The table's TTL setting, or <see langword="null"/> where the server does not implement TTL (some local emulators).</summary>
    internal static async Task<TimeToLiveDescription?> DescribeTimeToLiveAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = tableName }, cancellationToken).ConfigureAwait(false);
            return response.TimeToLiveDescription;
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode == UnknownOperation)
        {
            return null;
        }
    }

    private static async Task<TableDescription> WaitUntilActiveAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var table = await DescribeAsync(client, tableName, cancellationToken).ConfigureAwait(false);
            if (IsReady(table))
            {
                return table;
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPollDelay.Ticks));
        }
    }

    private static bool IsReady([NotNullWhen(true)] TableDescription? table) =>
        table is not null
        && table.TableStatus == TableStatus.ACTIVE
        && (table.GlobalSecondaryIndexes ?? []).All(index => index.IndexStatus == IndexStatus.ACTIVE);

    private static void ThrowIfOtherLayout(TableDescription table)
    {
        var key = table.KeySchema ?? [];
        var problems = new List<string>();
        if (key.Count != 1 || key[0].AttributeName != SessionItem.Id || key[0].KeyType != KeyType.HASH)
        {
            problems.Add($"its key must be the partition key '{SessionItem.Id}' alone");
        }

        var indexes = (table.GlobalSecondaryIndexes ?? []).ToDictionary(index => index.IndexName, StringComparer.Ordinal);
        foreach (var expected in CreateTableRequest(table.TableName).GlobalSecondaryIndexes)
        {
            if (!indexes.TryGetValue(expected.IndexName, out var actual))
            {
                problems.Add($"index '{expected.IndexName}' is missing");
            }
            else if (!actual.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value)).SequenceEqual(expected.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value))))
            {
                problems.Add($"index '{expected.IndexName}' must be keyed on {string.Join(", ", expected.KeySchema.Select(k => k.AttributeName))}");
            }
        }

        if (problems.Count > 0)
        {
            throw new SessionStoreException($"Table '{table.TableName}' does not have the session table layout: {string.Join("; ", problems)}.", sessionId: null, "EnsureCreated", table.TableName, innerException: null);
        }
    }

    private static async Task EnableTimeToLiveAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken)
    {
        try
        {
            if (await IsTimeToLiveOnAsync(client, tableName, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await client.UpdateTimeToLiveAsync(
                new UpdateTimeToLiveRequest
                {
                    TableName = tableName,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = SessionItem.Ttl, Enabled = true },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode == UnknownOperation)
        {
            // The server has no TTL (dynalite answers UpdateTimeToLive so). TTL only tidies up expired items; the
            // store does not depend on it.
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode == ValidationError)
        {
            // Another caller may have enabled TTL between our look and our request ("TimeToLive is already enabled").
            if (!await IsTimeToLiveOnAsync(client, tableName, cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
        }
    }

    private static async Task<bool> IsTimeToLiveOnAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken)
    {
        var current = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = tableName }, cancellationToken).ConfigureAwait(false);
        var status = current.TimeToLiveDescription?.TimeToLiveStatus;
        return status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING;
    }
}
