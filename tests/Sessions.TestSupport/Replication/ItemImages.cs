using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;

namespace Sessions.TestSupport.Replication;

/// <summary>Items as the simulation handles them: whole images compared by value, and keys read off a request's JSON.</summary>
public static class ItemImages
{
    /// <summary>Whether two item images (<see langword="null"/>: no item) hold the same attributes with the same values.</summary>
    public static bool Equal(Dictionary<string, AttributeValue>? left, Dictionary<string, AttributeValue>? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        return left.Count == right.Count && left.All(pair => right.TryGetValue(pair.Key, out var other) && Equal(pair.Value, other));
    }

    /// <summary>Whether two attribute values are the same value of the same type.</summary>
    public static bool Equal(AttributeValue left, AttributeValue right) =>
        left.S == right.S
        && left.N == right.N
        && left.BOOL == right.BOOL
        && (left.NULL ?? false) == (right.NULL ?? false)
        && Bytes(left.B).SequenceEqual(Bytes(right.B))
        && Sets(left.SS, right.SS)
        && Sets(left.NS, right.NS)
        && Sets(left.BS?.Select(b => Convert.ToBase64String(Bytes(b))).ToList(), right.BS?.Select(b => Convert.ToBase64String(Bytes(b))).ToList())
        && Lists(left.L, right.L)
        && (left.M is null ? right.M is null : right.M is not null && Equal(left.M, right.M));

    /// <summary>A one-line, ordered text of an image, for test messages.</summary>
    public static string Describe(Dictionary<string, AttributeValue>? item)
    {
        if (item is null)
        {
            return "(no item)";
        }

        var text = new StringBuilder("{");
        foreach (var (name, value) in item.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('=').Append(value.S ?? value.N ?? (value.BOOL is { } b ? b.ToString() : value.NULL == true ? "NULL" : "…")).Append(' ');
        }

        return text.Append('}').ToString();
    }

    /// <summary>
    /// The key attributes of the item a write request names: <c>Key</c> of an <c>UpdateItem</c> or <c>DeleteItem</c>, the
    /// key attributes of a <c>PutItem</c>'s <c>Item</c>. Key attributes are strings, numbers or binaries.
    /// </summary>
    public static Dictionary<string, AttributeValue> KeyOf(JsonElement request, IReadOnlyList<string> keyAttributes)
    {
        var source = request.TryGetProperty("Key", out var key) ? key : request.GetProperty("Item");
        var result = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var name in keyAttributes)
        {
            var value = source.GetProperty(name);
            result[name] = value.TryGetProperty("S", out var s) ? new AttributeValue { S = s.GetString() }
                : value.TryGetProperty("N", out var n) ? new AttributeValue { N = n.GetString() }
                : new AttributeValue { B = new MemoryStream(value.GetProperty("B").GetBytesFromBase64()) };
        }

        return result;
    }

    /// <summary>The key as one string, for dictionaries: each attribute's name, type and value.</summary>
    public static string KeyText(Dictionary<string, AttributeValue> key) => string.Join(
        "\u001f",
        key.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => string.Create(CultureInfo.InvariantCulture,
            $"{pair.Key}={(pair.Value.S is { } s ? "S:" + s : pair.Value.N is { } n ? "N:" + n : "B:" + Convert.ToBase64String(Bytes(pair.Value.B)))}")));

    private static byte[] Bytes(MemoryStream? stream) => stream?.ToArray() ?? [];

    private static bool Sets(List<string>? left, List<string>? right) =>
        (left ?? []).Order(StringComparer.Ordinal).SequenceEqual((right ?? []).Order(StringComparer.Ordinal), StringComparer.Ordinal);

    private static bool Lists(List<AttributeValue>? left, List<AttributeValue>? right) =>
        left is null ? right is null : right is not null && left.Count == right.Count && left.Zip(right).All(pair => Equal(pair.First, pair.Second));
}
