using System.Text.Json;
using Sessions.TestSupport.Wire;

namespace Sessions.TestSupport.Replication;

/// <summary>
/// Captures every item write an application makes in one Region of the simulation, on the wire of that Region's client:
/// while it holds the Region's write gate it reads the item (consistently), sends the write, and — when the server
/// applied it and the item changed — reads the item again and hands the whole new image to the replicator, which
/// stamps it. The gate makes each image exactly the one its write left, and each stamp larger than that of every earlier
/// write of the Region: nothing else writes the table in between, replicated writes included.
/// </summary>
internal sealed class RegionWriteCapture(TwoRegionReplicator replicator, SimulatedRegion region) : DelegatingHandler
{
    private static readonly HashSet<string> ItemWrites = new(StringComparer.Ordinal) { "PutItem", "UpdateItem", "DeleteItem" };
    private static readonly HashSet<string> MultiItemWrites = new(StringComparer.Ordinal) { "BatchWriteItem", "TransactWriteItems" };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = CountingHandler.OperationOf(request);
        if (request.Content is null || !(ItemWrites.Contains(operation) || MultiItemWrites.Contains(operation)))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        if (MultiItemWrites.Contains(operation))
        {
            if (root.GetRawText().Contains($"\"{replicator.TableName}\"", StringComparison.Ordinal))
            {
                throw new NotSupportedException(
                    $"The two-Region simulation captures PutItem, UpdateItem and DeleteItem of table '{replicator.TableName}', not {operation}.");
            }

            return await base.SendAsync(request, cancellationToken);
        }

        if (root.GetProperty("TableName").GetString() != replicator.TableName)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var key = ItemImages.KeyOf(root, replicator.KeyAttributes);
        return await replicator.CaptureAsync(region, key, ct => base.SendAsync(request, ct), cancellationToken);
    }
}
