namespace Sessions.Hosting.Leases;

/// <summary>
/// The lease as one read of it found it: who holds it, if anyone, under which fence, and its record version, which every
/// take, renewal and release changes. A waiter never compares its clock with the holder's: it judges the lease lapsed when
/// the record version has not changed for <see cref="Duration"/> on its own clock (<see cref="LeaseWatch"/>).
/// </summary>
/// <param name="Owner">The instance that holds the lease, or <see langword="null"/> when it is free (released, never held).</param>
/// <param name="Fence">The fencing number of the latest tenure; the next tenure gets a larger one.</param>
/// <param name="Version">The record version: a new value at every write, so that a waiter sees that the holder is alive.</param>
/// <param name="Duration">How long the holder's tenure lasts after each write, as the holder wrote it; <see langword="null"/> when unreadable.</param>
internal sealed record LeaseRecord(string? Owner, long Fence, string Version, TimeSpan? Duration)
{
    /// <summary>Gets what is wrong with the stored item (a hand edit, an older layout), or <see langword="null"/> when it is well formed.</summary>
    public string? Problem { get; init; }

    /// <summary>Gets the lease implementation's own copy of what it read, for a take on condition that nothing changed since.</summary>
    public object? Stored { get; init; }

    /// <summary>Gets a value indicating whether nobody holds the lease.</summary>
    public bool IsFree => Owner is null;
}
