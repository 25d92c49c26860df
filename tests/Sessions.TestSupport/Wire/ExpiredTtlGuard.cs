using System.Text.Json;
using Sessions.DynamoDb;

namespace Sessions.TestSupport.Wire;

/// <summary>
/// Refuses, before it reaches the server, any write whose <c>ttl</c> lies before the real clock's now. TTL runs on the
/// real clock: DynamoDB Local deletes such an item within seconds (DynamoDB within days), so a test whose fake clock
/// lies in the past would see its sessions vanish at random — a Touch answered "not found", a list missing a session.
/// This guard turns that flaky failure into an immediate one that names the cause.
/// </summary>
public sealed class ExpiredTtlGuard : DelegatingHandler
{
    private static readonly HashSet<string> Writes = new(StringComparer.Ordinal) { "PutItem", "UpdateItem", "BatchWriteItem", "TransactWriteItems" };

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null && Writes.Contains(CountingHandler.OperationOf(request)))
        {
            var body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            using var json = JsonDocument.Parse(body);
            if (FirstTtl(json.RootElement) is { } ttl && ttl <= now)
            {
                throw new InvalidOperationException(
                    $"The test wrote ttl {ttl} ({DateTimeOffset.FromUnixTimeSeconds(ttl):u}), which is not after the real clock's now "
                    + $"({DateTimeOffset.FromUnixTimeSeconds(now):u}). TTL runs on the real clock: DynamoDB Local deletes such an item "
                    + "within seconds, so the test would see it vanish at random. Start the test's clock after the real now.");
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>The first <c>ttl</c> number anywhere in a request: an item's <c>ttl</c> attribute or the <c>:ttl</c> value.</summary>
    private static long? FirstTtl(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is SessionItem.Ttl or SessionExpressions.TtlValue
                        && property.Value.ValueKind == JsonValueKind.Object
                        && property.Value.TryGetProperty("N", out var number)
                        && long.TryParse(number.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                    {
                        return seconds;
                    }

                    if (FirstTtl(property.Value) is { } nested)
                    {
                        return nested;
                    }
                }

                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstTtl(item) is { } nested)
                    {
                        return nested;
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
