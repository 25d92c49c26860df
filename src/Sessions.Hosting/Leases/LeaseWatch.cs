namespace Sessions.Hosting.Leases;

/// <summary>
/// How a waiter judges another instance's lease without trusting that instance's clock (the approach of the AWS DynamoDB
/// Lock Client): it remembers the record version it saw and when it first saw it on its own monotonic clock, and judges the
/// lease lapsed once that version has stood unchanged for the holder's lease duration. Clock offsets between hosts play
/// no part; only clock rates do.
/// </summary>
internal sealed class LeaseWatch
{
    private string? _version;
    private long _firstSeen;

    /// <summary>
    /// Notes a sighting of <paramref name="record"/> at <paramref name="timestamp"/> and returns how long the waiter must
    /// still wait before the lease counts as lapsed: <see cref="TimeSpan.Zero"/> or less when it has lapsed.
    /// </summary>
    /// <param name="record">The lease as read.</param>
    /// <param name="timestamp">The waiter's <see cref="TimeProvider.GetTimestamp"/> when it read it.</param>
    /// <param name="defaultDuration">The duration to assume when the record does not say its own.</param>
    /// <param name="time">The waiter's clock.</param>
    public TimeSpan RemainingAfter(LeaseRecord record, long timestamp, TimeSpan defaultDuration, TimeProvider time)
    {
        if (!string.Equals(_version, record.Version, StringComparison.Ordinal))
        {
            _version = record.Version;
            _firstSeen = timestamp;
        }

        return (record.Duration ?? defaultDuration) - time.GetElapsedTime(_firstSeen, timestamp);
    }

    /// <summary>Forgets the sighting, for example once this instance took the lease.</summary>
    public void Reset() => _version = null;
}
