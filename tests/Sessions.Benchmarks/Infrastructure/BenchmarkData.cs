using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Sessions.DynamoDb;

namespace Sessions.Benchmarks.Infrastructure;

/// <summary>The sessions, items and canned DynamoDB responses every benchmark uses.</summary>
internal static class BenchmarkData
{
    public const string TableName = "sessions";
    public const string User = "alice@example.com";
    public const string Revoker = "operator@example.com";
    public const string Reason = "credentials leaked";
    public const int PageSize = 100;

    public static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    /// <summary>The instant every benchmark clock reads.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 20, 2, 19, 9, 123, TimeSpan.Zero);

    /// <summary>A stored, Active session at Version 1 that has served a few requests.</summary>
    public static ServerSession Session { get; } = SessionNumber(0);

    /// <summary>The same session revoked, as the store returns it after Revoke (ALL_NEW).</summary>
    public static ServerSession Revoked { get; } = Session.Revoke(Revoker, Reason, Now) with { Version = 2 };

    /// <summary>A session as a caller hands it to Create: new, Version 0.</summary>
    public static ServerSession New { get; } = Session with { RequestCount = 0, Version = 0, LastAccessAt = Session.StartedAt, UpdatedAt = Session.StartedAt };

    /// <summary>The <paramref name="n"/>-th session of <see cref="User"/>; higher numbers were created earlier.</summary>
    public static ServerSession SessionNumber(int n)
    {
        var created = Now.AddMinutes(-10 - n);
        return new ServerSession
        {
            Id = (0x5e55_1000_0000_0000L + n).ToString("x16", CultureInfo.InvariantCulture),
            User = User,
            Profile = "prod-readonly",
            ServerInstanceId = "i-0a1b2c3d4e5f60718",
            Status = SessionStatus.Active,
            StartedAt = created,
            LastAccessAt = Now.AddSeconds(-3),
            ExpiresAt = created.AddHours(12),
            RequestCount = 42,
            SourceIdentity = "alice",
            CreatedAt = created,
            UpdatedAt = created,
            Version = 1,
        };
    }

    /// <summary>A session as DynamoDB stores it.</summary>
    public static Dictionary<string, AttributeValue> Item(ServerSession session) => SessionItem.ToItem(session, Retention);

    /// <summary>DynamoDB JSON of <paramref name="item"/> (string and number attributes).</summary>
    public static string Json(Dictionary<string, AttributeValue> item)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteItem(writer, item);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary><c>{"Item": …}</c>: GetItem of <paramref name="session"/>.</summary>
    public static string GetItemResponse(ServerSession session) => $"{{\"Item\":{Json(Item(session))}}}";

    /// <summary><c>{"Attributes": …}</c>: UpdateItem with ReturnValues ALL_NEW.</summary>
    public static string AllNewResponse(ServerSession session) => $"{{\"Attributes\":{Json(Item(session))}}}";

    /// <summary>A KEYS_ONLY <c>gsi-user</c> page of <see cref="PageSize"/> entries, newest first, with a next page.</summary>
    public static string UserIndexPageResponse()
    {
        var sessions = Enumerable.Range(0, PageSize).Select(SessionNumber).ToList();
        var entries = sessions.Select(s => Json(new Dictionary<string, AttributeValue>
        {
            [SessionItem.Id] = SessionItem.S(s.Id),
            [SessionItem.CreatedAt] = SessionItem.Time(s.CreatedAt),
        }));
        var last = sessions[^1];
        var lastKey = Json(new Dictionary<string, AttributeValue>
        {
            [SessionItem.Id] = SessionItem.S(last.Id),
            [SessionItem.User] = SessionItem.S(last.User),
            [SessionItem.CreatedAt] = SessionItem.Time(last.CreatedAt),
        });
        return $"{{\"Count\":{PageSize},\"Items\":[{string.Join(',', entries)}],\"LastEvaluatedKey\":{lastKey},\"ScannedCount\":{PageSize}}}";
    }

    /// <summary>The consistent BatchGetItem of that page: every item, in no particular order (as DynamoDB answers).</summary>
    public static string UserItemsResponse()
    {
        var items = Enumerable.Range(0, PageSize).Reverse().Select(n => Json(Item(SessionNumber(n))));
        return $"{{\"Responses\":{{\"{TableName}\":[{string.Join(',', items)}]}},\"UnprocessedKeys\":{{}}}}";
    }

    private static void WriteItem(Utf8JsonWriter writer, Dictionary<string, AttributeValue> item)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in item)
        {
            writer.WriteStartObject(name);
            if (value.S is not null)
            {
                writer.WriteString("S", value.S);
            }
            else if (value.N is not null)
            {
                writer.WriteString("N", value.N);
            }
            else
            {
                throw new NotSupportedException($"Attribute '{name}' is neither S nor N.");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
