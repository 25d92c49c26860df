using Amazon.DynamoDBv2.DataModel;
using Amazon.DynamoDBv2.DocumentModel;

namespace Sessions.Benchmarks.Infrastructure;

/// <summary>
/// The session as a <see cref="DynamoDBContext"/> user would model it: the same attribute names and timestamp format,
/// the context's own optimistic locking on <c>version</c>.
/// </summary>
[DynamoDBTable(BenchmarkData.TableName)]
public sealed class SessionDocument
{
    [DynamoDBHashKey("id")]
    public string Id { get; set; } = string.Empty;

    [DynamoDBGlobalSecondaryIndexHashKey("gsi-user", AttributeName = "user")]
    public string User { get; set; } = string.Empty;

    [DynamoDBProperty("profile")]
    public string Profile { get; set; } = string.Empty;

    [DynamoDBProperty("server_instance_id")]
    public string ServerInstanceId { get; set; } = string.Empty;

    [DynamoDBProperty("status")]
    public string Status { get; set; } = string.Empty;

    [DynamoDBProperty("started_at", typeof(TimestampConverter))]
    public DateTimeOffset StartedAt { get; set; }

    [DynamoDBProperty("last_access_at", typeof(TimestampConverter))]
    public DateTimeOffset LastAccessAt { get; set; }

    [DynamoDBProperty("expires_at", typeof(TimestampConverter))]
    public DateTimeOffset ExpiresAt { get; set; }

    [DynamoDBProperty("request_count")]
    public long RequestCount { get; set; }

    [DynamoDBProperty("source_identity")]
    public string SourceIdentity { get; set; } = string.Empty;

    [DynamoDBGlobalSecondaryIndexRangeKey("gsi-user", AttributeName = "created_at", Converter = typeof(TimestampConverter))]
    public DateTimeOffset CreatedAt { get; set; }

    [DynamoDBProperty("updated_at", typeof(TimestampConverter))]
    public DateTimeOffset UpdatedAt { get; set; }

    [DynamoDBProperty("revoked_by")]
    public string? RevokedBy { get; set; }

    [DynamoDBProperty("revoked_reason")]
    public string? RevokedReason { get; set; }

    [DynamoDBVersion(AttributeName = "version")]
    public long? Version { get; set; }

    [DynamoDBProperty("ttl")]
    public long Ttl { get; set; }

    public static SessionDocument From(ServerSession session, TimeSpan retention) => new()
    {
        Id = session.Id,
        User = session.User,
        Profile = session.Profile,
        ServerInstanceId = session.ServerInstanceId,
        Status = session.Status.ToStorageString(),
        StartedAt = session.StartedAt,
        LastAccessAt = session.LastAccessAt,
        ExpiresAt = session.ExpiresAt,
        RequestCount = session.RequestCount,
        SourceIdentity = session.SourceIdentity,
        CreatedAt = session.CreatedAt,
        UpdatedAt = session.UpdatedAt,
        RevokedBy = session.RevokedBy,
        RevokedReason = session.RevokedReason,
        Version = session.Version,
        Ttl = (long)Math.Ceiling((session.ExpiresAt + retention - DateTimeOffset.UnixEpoch).TotalSeconds),
    };
}

/// <summary>Stores <see cref="DateTimeOffset"/> in the session table's fixed-width UTC format.</summary>
public sealed class TimestampConverter : IPropertyConverter
{
    public DynamoDBEntry ToEntry(object value) => new Primitive(SessionTimestamp.Format((DateTimeOffset)value));

    public object FromEntry(DynamoDBEntry entry) => SessionTimestamp.Parse(entry.AsString());
}
