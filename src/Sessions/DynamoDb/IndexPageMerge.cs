using Sessions.Paging;

namespace Sessions.DynamoDb;

/// <summary>
/// Merges pages of several index partitions, each queried newest first from one shared cursor, into one newest-first
/// page, and says where the next page starts: one cursor for all partitions, so a session that moves from one
/// partition to another between pages is found in its new partition exactly when the walk reaches it.
/// </summary>
internal static class IndexPageMerge
{
    /// <summary>Takes up to <paramref name="limit"/> keys, newest first, that no partition can still precede.</summary>
    /// <param name="pages">One page per partition, each newest first and each read from the same cursor.</param>
    /// <param name="limit">The most keys to take.</param>
    /// <returns>
    /// The keys taken (a key found in two partitions, because it moved between two queries, is taken once), and the
    /// shared cursor of the next page: after the last key taken, or <see cref="PageCursor.Done"/> when every partition
    /// is exhausted and every key was taken.
    /// </returns>
    public static (List<IndexKey> Taken, PageCursor Next) Merge(IReadOnlyList<IndexPage> pages, int limit)
    {
        // Below a partition's LastEvaluatedKey that partition may hold keys not read yet: nothing below the highest
        // such key can be taken on this page without risking order or gaps.
        IndexKey? frontier = null;
        foreach (var page in pages)
        {
            if (page.Next.State == PageCursorState.After && (frontier is not { } f || IndexKey.From(page.Next).CompareTo(f) > 0))
            {
                frontier = IndexKey.From(page.Next);
            }
        }

        var taken = new List<IndexKey>(limit);
        var heads = new int[pages.Count];
        while (taken.Count < limit)
        {
            var best = -1;
            for (var p = 0; p < pages.Count; p++)
            {
                if (heads[p] < pages[p].Keys.Count && (best < 0 || pages[p].Keys[heads[p]].CompareTo(pages[best].Keys[heads[best]]) > 0))
                {
                    best = p;
                }
            }

            if (best < 0 || (frontier is { } limitKey && pages[best].Keys[heads[best]].CompareTo(limitKey) < 0))
            {
                break;
            }

            var key = pages[best].Keys[heads[best]++];
            if (taken.Count == 0 || taken[^1] != key)
            {
                taken.Add(key);
            }
        }

        var exhausted = frontier is null && heads.Select((head, p) => head == pages[p].Keys.Count).All(consumed => consumed);
        if (exhausted)
        {
            return (taken, PageCursor.Done);
        }

        var boundary = taken.Count > 0 ? taken[^1] : frontier!.Value;
        return (taken, boundary.Cursor);
    }
}
