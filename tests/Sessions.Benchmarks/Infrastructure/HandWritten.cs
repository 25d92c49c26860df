using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace Sessions.Benchmarks.Infrastructure;

/// <summary>What a caller writing DynamoDB requests by hand would write: attribute values from the BCL, nothing from the store.</summary>
internal static class HandWritten
{
    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Time(DateTimeOffset value) =>
        new() { S = value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'", CultureInfo.InvariantCulture) };

    public static AttributeValue Ttl(DateTimeOffset expiresAt, TimeSpan retention) =>
        N((long)Math.Ceiling((expiresAt + retention - DateTimeOffset.UnixEpoch).TotalSeconds));

    public static Dictionary<string, AttributeValue> Key(string id) => new() { ["id"] = S(id) };

    /// <summary>
    /// The attribute of a writer slot, named as the store names its own (<c>wseq.</c>, 8 characters of base32, a slot):
    /// a caller who wants a write applied once however often the SDK sends it stores a growing number there.
    /// </summary>
    public const string SlotAttribute = "wseq.handmade.0";

    private static long s_sequence;

    /// <summary>The next number of this process's writer slot.</summary>
    public static AttributeValue NextSlotNumber() => N(Interlocked.Increment(ref s_sequence));
}
