using Amazon.DynamoDBv2.Model;
using Sessions.Paging;

namespace Sessions.DynamoDb;

/// <summary>The keys of one index entry, ordered as the index orders them (created_at as stored, then id).</summary>
internal readonly record struct IndexKey(string CreatedAt, string Id) : IComparable<IndexKey>
{
    /// <summary>Gets the cursor that continues a query after this entry.</summary>
    public PageCursor Cursor => PageCursor.After(CreatedAt, Id);

    /// <summary>Reads the keys of an index entry or a <c>LastEvaluatedKey</c>.</summary>
    public static IndexKey From(Dictionary<string, AttributeValue> item) => new(
        item.TryGetValue(SessionItem.CreatedAt, out var created) && created.S is { } c ? c : string.Empty,
        item.TryGetValue(SessionItem.Id, out var id) && id.S is { } i ? i : throw SessionItem.Corrupt(null, SessionItem.Id, "is missing from an index entry"));

    /// <summary>Reads a cursor that stands after an entry.</summary>
    public static IndexKey From(PageCursor cursor) => new(cursor.CreatedAt!, cursor.Id!);

    public int CompareTo(IndexKey other)
    {
        var byTime = string.CompareOrdinal(CreatedAt, other.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(Id, other.Id);
    }
}

/// <summary>One page of keys from an index partition, newest first, and where the partition's next page starts.</summary>
internal sealed record IndexPage(List<IndexKey> Keys, PageCursor Next);
