using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Sessions.Diagnostics;

namespace Sessions.DynamoDb;

// Home Regions on a global table (DynamoDbSessionStoreOptions.GlobalTableRegions): every write of a session goes to the
// replica of the Region it is homed in, on condition that it is homed there. A write first goes to this store's own
// Region; an item homed elsewhere refuses it there (no write is made) and names its home in the old item the refusal
// returns, and the write goes there. A Region whose replica does not hold the session yet (it was created elsewhere a
// moment ago and has not arrived) sends the write on to the other Regions in turn.
public sealed partial class DynamoDbSessionStore
{
    /// <summary>
    /// Sends the write <paramref name="write"/> of session <paramref name="id"/> to the Region it is homed in: this store's
    /// Region first, then the home an old item names, or every other Region when this one does not hold the session.
    /// </summary>
    private async Task<T> RoutedAsync<T>(string operation, string id, Func<Replica, Task<T>> write)
    {
        var visited = new List<Replica>(_others.Length + 1);
        var candidates = new Queue<Replica>();
        candidates.Enqueue(_local);
        SessionNotFoundException? missing = null;
        List<Replica>? without = null;
        while (candidates.TryDequeue(out var target))
        {
            if (visited.Contains(target))
            {
                continue;
            }

            visited.Add(target);
            try
            {
                return await write(target).ConfigureAwait(false);
            }
            catch (HomedElsewhereException elsewhere)
            {
                var home = ReplicaOf(elsewhere.Home)
                    ?? throw new SessionStoreException(
                        $"Session '{id}' is homed in Region '{VisibleText.Escape(elsewhere.Home)}', which is not one of the store's Regions "
                        + $"({string.Join(", ", RegionNames())}); it was not written. Add that Region to GlobalTableRegions if the table has a replica there.",
                        id, operation, _tableName, innerException: null);
                if (without?.Contains(home) == true)
                {
                    // Its home holds it no more (deleted there); the deletion has not reached the Region that named it.
                    throw missing!;
                }

                if (visited.Contains(home))
                {
                    throw new SessionStoreException(
                        $"Session '{id}': Region '{target.Region}' says it is homed in Region '{home.Region}', whose replica refused the write too; it was not written.",
                        id, operation, _tableName, innerException: null);
                }

                candidates.Clear();
                candidates.Enqueue(home);
            }
            catch (SessionNotFoundException notFound)
            {
                // Not (yet) in this Region's replica: it may have been created in another Region a moment ago.
                missing = notFound;
                (without ??= []).Add(target);
                if (target == _local)
                {
                    foreach (var other in _others)
                    {
                        candidates.Enqueue(other);
                    }
                }
            }
        }

        throw missing!;
    }

    /// <summary>
    /// Reads a session where it is written: from this store's Region, and again from its home Region when it is homed in
    /// another (strongly consistent there); from the other Regions in turn when this Region's replica does not hold it.
    /// </summary>
    private async Task<ServerSession?> ReadAtHomeAsync(string id, CancellationToken cancellationToken)
    {
        var at = _local;
        var item = await ReadRawAsync(_local, id, cancellationToken).ConfigureAwait(false);
        for (var i = 0; item is null && i < _others.Length; i++)
        {
            at = _others[i];
            item = await ReadRawAsync(at, id, cancellationToken).ConfigureAwait(false);
        }

        if (item is not null && ReplicaOf(HomeGuard.HomeOf(item, _firstRegion!)) is { } home && home != at)
        {
            item = await ReadRawAsync(home, id, cancellationToken).ConfigureAwait(false);
        }

        return item is null ? null : SessionItem.FromItem(item);
    }

    private static async Task<Dictionary<string, AttributeValue>?> ReadRawAsync(Replica replica, string id, CancellationToken cancellationToken)
    {
        var response = await replica.Client.GetItemAsync(replica.Requests.Get(id), cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private Replica? ReplicaOf(string region) =>
        _local.Region == region ? _local : Array.Find(_others, r => r.Region == region);

    private IEnumerable<string> RegionNames() => new[] { _local }.Concat(_others).Select(r => r.Region!);

    /// <summary>One Region's replica of the table: its client and the requests that write there (one replica on a table of one Region).</summary>
    private sealed record Replica(string? Region, IAmazonDynamoDB Client, SessionRequests Requests);

    /// <summary>A write refused in one Region's replica because the session is homed in another; never leaves the store.</summary>
    private sealed class HomedElsewhereException(string home) : Exception($"The session is homed in Region '{home}'.")
    {
        public string Home { get; } = home;
    }
}
