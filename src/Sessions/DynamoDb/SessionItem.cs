using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace Sessions.DynamoDb;

/// <summary>
/// Maps <see cref="ServerSession"/> to and from a DynamoDB item in the established layout of session tables. Reading is
/// lenient where other tools differ (no <c>version</c> reads as 0; RFC 3339 timestamps with any fraction and offset;
/// <c>""</c> reads as an unset string; unknown attributes are ignored) and strict where data is corrupt: a missing or
/// malformed attribute is a <see cref="SessionCorruptException"/> naming the item and the attribute.
/// </summary>
internal static class SessionItem
{
    public const string Id = "id";
    public const string User = "user";
    public const string Profile = "profile";
    public const string ServerInstanceId = "server_instance_id";
    public const string Status = "status";
    public const string StartedAt = "started_at";
    public const string LastAccessAt = "last_access_at";
    public const string ExpiresAt = "expires_at";
    public const string RequestCount = "request_count";
    public const string SourceIdentity = "source_identity";
    public const string CreatedAt = "created_at";
    public const string UpdatedAt = "updated_at";
    public const string RevokedBy = "revoked_by";
    public const string RevokedReason = "revoked_reason";
    public const string Version = "version";
    public const string Ttl = "ttl";

    /// <summary>
    /// The Region whose replica of a global table takes every write of the session (see
    /// <see cref="DynamoDbSessionStoreOptions.GlobalTableRegions"/>): written once, by Create, and never changed. The
    /// reader ignores it; an item without it, or with a value that is not a non-empty string, is homed in the first
    /// Region of the list.
    /// </summary>
    public const string HomeRegion = "home_region";

    /// <summary>
    /// The id prefix of the library's own items that are not sessions (the hosting package's sweeper lease,
    /// <c>lease#expiry-sweeper</c>). Such an item carries no index key, so no list meets it; a scan skips it.
    /// </summary>
    public const string ReservedIdPrefix = "lease#";

    public static Dictionary<string, AttributeValue> ToItem(ServerSession session, TimeSpan retention)
    {
        var item = new Dictionary<string, AttributeValue>(16, StringComparer.Ordinal)
        {
            [Id] = S(session.Id),
            [User] = S(session.User),
            [Profile] = S(session.Profile),
            [ServerInstanceId] = S(session.ServerInstanceId),
            [Status] = S(session.Status.ToStorageString()),
            [StartedAt] = Time(session.StartedAt),
            [LastAccessAt] = Time(session.LastAccessAt),
            [ExpiresAt] = Time(session.ExpiresAt),
            [RequestCount] = N(session.RequestCount),
            [SourceIdentity] = S(session.SourceIdentity),
            [CreatedAt] = Time(session.CreatedAt),
            [UpdatedAt] = Time(session.UpdatedAt),
            [Version] = N(session.Version),
            [Ttl] = TtlOf(session.ExpiresAt, retention),
        };

        if (session.RevokedBy is not null)
        {
            item[RevokedBy] = S(session.RevokedBy);
        }

        if (session.RevokedReason is not null)
        {
            item[RevokedReason] = S(session.RevokedReason);
        }

        return item;
    }

    public static ServerSession FromItem(Dictionary<string, AttributeValue> item)
    {
        var id = item.TryGetValue(Id, out var idValue) && idValue.S is { } s ? s : throw Corrupt(null, Id, "is missing or not a string");
        if (!SessionId.IsValid(id))
        {
            throw Corrupt(id, Id, "is not 16 lower-case hex characters");
        }

        var status = SessionStatusExtensions.TryParseStorageString(ReadString(item, id, Status), out var parsed)
            ? parsed
            : throw Corrupt(id, Status, $"holds an unknown status '{item[Status].S}'");
        return Checked(new ServerSession
        {
            Id = id,
            User = ReadString(item, id, User),
            Profile = ReadString(item, id, Profile),
            ServerInstanceId = ReadString(item, id, ServerInstanceId),
            Status = status,
            StartedAt = ReadTime(item, id, StartedAt),
            LastAccessAt = ReadOptionalTime(item, id, LastAccessAt) ?? ReadTime(item, id, StartedAt),
            ExpiresAt = ReadTime(item, id, ExpiresAt),
            RequestCount = ReadOptionalCount(item, id, RequestCount),
            SourceIdentity = ReadOptionalString(item, id, SourceIdentity) ?? string.Empty,
            CreatedAt = ReadTime(item, id, CreatedAt),
            UpdatedAt = ReadOptionalTime(item, id, UpdatedAt) ?? ReadTime(item, id, CreatedAt),
            RevokedBy = ReadOptionalString(item, id, RevokedBy),
            // A revocation may give an empty reason; other writers store "" for the reason of a session never revoked.
            RevokedReason = ReadOptionalString(item, id, RevokedReason, emptyIsAbsent: status != SessionStatus.Revoked),
            Version = ReadOptionalCount(item, id, Version),
        });
    }

    /// <summary>
    /// Refuses a session no write of the library could have stored, so that whatever a read returns can be written back:
    /// the rules <c>SessionArguments</c> applies before a write, told as damage to the item.
    /// </summary>
    private static ServerSession Checked(ServerSession session)
    {
        var id = session.Id;
        foreach (var (name, value, limit) in new[]
        {
            (User, session.User, SessionArguments.MaxKeyBytes),
            (Profile, session.Profile, SessionArguments.MaxKeyBytes),
            (ServerInstanceId, session.ServerInstanceId, SessionArguments.MaxKeyBytes),
            (SourceIdentity, session.SourceIdentity, SessionArguments.MaxTextBytes),
            (RevokedBy, session.RevokedBy, SessionArguments.MaxTextBytes),
            (RevokedReason, session.RevokedReason, SessionArguments.MaxTextBytes),
        })
        {
            if (value is not null && value.Length > limit / 3 && System.Text.Encoding.UTF8.GetByteCount(value) > limit)
            {
                throw Corrupt(id, name, $"holds {System.Text.Encoding.UTF8.GetByteCount(value)} UTF-8 bytes, more than the {limit} the library writes");
            }
        }

        if (session.ExpiresAt <= session.StartedAt)
        {
            throw Corrupt(id, ExpiresAt, $"is not after '{StartedAt}' ({SessionTimestamp.Format(session.ExpiresAt)} <= {SessionTimestamp.Format(session.StartedAt)})");
        }

        if (session.Status == SessionStatus.Active && (session.RevokedBy is not null || session.RevokedReason is not null))
        {
            throw Corrupt(id, session.RevokedBy is not null ? RevokedBy : RevokedReason, "is set on an Active session; only a revocation sets it");
        }

        return session.Version == long.MaxValue
            ? throw Corrupt(id, Version, "is at its largest value; no write can count it up")
            : session;
    }

    /// <summary>
    /// The <c>ttl</c> attribute: epoch seconds of ExpiresAt plus the retention, rounded up; an expiry so far away that
    /// the sum is past <see cref="DateTimeOffset.MaxValue"/> keeps the item until then.
    /// </summary>
    public static AttributeValue TtlOf(DateTimeOffset expiresAt, TimeSpan retention)
    {
        var until = expiresAt > DateTimeOffset.MaxValue - retention ? DateTimeOffset.MaxValue : expiresAt + retention;
        var ticks = until.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = (ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        return N(seconds);
    }

    public static Dictionary<string, AttributeValue> Key(string id) => new(1, StringComparer.Ordinal) { [Id] = S(id) };

    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Time(DateTimeOffset value) => new() { S = SessionTimestamp.Format(value) };

    public static SessionCorruptException Corrupt(string? id, string attribute, string problem) =>
        new(id, attribute, $"Stored session '{id ?? "(no id)"}' is corrupt: attribute '{attribute}' {problem}.");

    private static string ReadString(Dictionary<string, AttributeValue> item, string id, string name) =>
        ReadOptionalString(item, id, name) ?? throw Corrupt(id, name, "is missing");

    /// <summary>A string attribute; absent, NULL and <c>""</c> (how other writers store an unset string) read as absent.</summary>
    private static string? ReadOptionalString(Dictionary<string, AttributeValue> item, string id, string name, bool emptyIsAbsent = true)
    {
        if (!item.TryGetValue(name, out var value) || value.NULL == true)
        {
            return null;
        }

        var text = value.S ?? throw Corrupt(id, name, "is not a string");
        return text.Length == 0 && emptyIsAbsent ? null : text;
    }

    private static DateTimeOffset ReadTime(Dictionary<string, AttributeValue> item, string id, string name) =>
        ReadOptionalTime(item, id, name) ?? throw Corrupt(id, name, "is missing");

    private static DateTimeOffset? ReadOptionalTime(Dictionary<string, AttributeValue> item, string id, string name)
    {
        var text = ReadOptionalString(item, id, name);
        if (text is null)
        {
            return null;
        }

        return SessionTimestamp.TryParse(text, out var value) ? value : throw Corrupt(id, name, $"holds '{text}', which is not an RFC 3339 timestamp");
    }

    /// <summary>A counter (<c>request_count</c>, <c>version</c>): absent reads as 0; NULL, any other type or a value below 0 is corrupt.</summary>
    private static long ReadOptionalCount(Dictionary<string, AttributeValue> item, string id, string name)
    {
        if (!item.TryGetValue(name, out var value))
        {
            return 0;
        }

        if (value.N is null)
        {
            throw Corrupt(id, name, value.NULL == true ? "is NULL, not a number" : "is not a number");
        }

        return long.TryParse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count) && count >= 0
            ? count
            : throw Corrupt(id, name, $"holds '{value.N}', which is not a whole number of at least 0");
    }
}
