using Amazon.DynamoDBv2.Model;

namespace Sessions.TestSupport.Replication;

/// <summary>
/// One write to an item of the replicated table, as the simulation captured it in the Region where it was made: the
/// whole item as that write left it (<see langword="null"/>: deleted), and the write's timestamp, by which the last writer
/// wins.
/// </summary>
/// <param name="Region">The Region the write was made in.</param>
/// <param name="Key">The item's key attributes.</param>
/// <param name="Image">The whole item after the write, or <see langword="null"/> when the write deleted it.</param>
/// <param name="Stamp">
/// The write's timestamp in ticks on the clock both Regions share: unique, and larger than that of every write captured
/// before it in either Region.
/// </param>
public sealed record CapturedWrite(SimulatedRegion Region, Dictionary<string, AttributeValue> Key, Dictionary<string, AttributeValue>? Image, long Stamp)
{
    /// <summary>Gets the key as one string (<see cref="ItemImages.KeyText"/>).</summary>
    public string KeyText { get; } = ItemImages.KeyText(Key);
}

/// <summary>What the replicator has done so far, per Region and per direction.</summary>
/// <param name="CapturedInA">Writes made in A (each changed an item) and captured for B.</param>
/// <param name="CapturedInB">Writes made in B and captured for A.</param>
/// <param name="CarriedAToB">Writes of A applied to B.</param>
/// <param name="CarriedBToA">Writes of B applied to A.</param>
/// <param name="DiscardedAToB">Writes of A that reached B after a later write to the same item: last writer wins, so B kept its item.</param>
/// <param name="DiscardedBToA">Writes of B that reached A after a later write to the same item.</param>
public sealed record ReplicationCounts(long CapturedInA, long CapturedInB, long CarriedAToB, long CarriedBToA, long DiscardedAToB, long DiscardedBToA);
