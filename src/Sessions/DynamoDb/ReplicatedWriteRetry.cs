using Amazon.DynamoDBv2.Model;

namespace Sessions.DynamoDb;

/// <summary>
/// Sends a write again when DynamoDB refused it with <see cref="ReplicatedWriteConflictException"/>: on a global table with
/// multi-Region strong consistency (MRSC), a write that races a write to the same item from another Region is refused, and
/// may be sent again once that write is done. The very same request is resent, so its writer slot recognises its own effect
/// (<see cref="WriteSlots"/>) if an attempt whose answer was lost had been applied after all. At most
/// <see cref="MaxAttempts"/> sends, with a short jittered backoff on the store's <see cref="TimeProvider"/> between them;
/// the last refusal then propagates (and becomes a <see cref="SessionWriteConflictException"/>, see <see cref="DynamoDbFaults"/>).
/// </summary>
/// <remarks>
/// The AWS SDK for .NET retries this error itself too (its service model marks it retryable), within the client's
/// <c>MaxErrorRetry</c> and retry quota; this bound holds whatever the client's settings are. Public so that the hosting
/// package's sweeper lease, which writes its own item in the session table, resends the same way.
/// </remarks>
public sealed class ReplicatedWriteRetry
{
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a retry whose backoffs wait on <paramref name="timeProvider"/>.</summary>
    /// <param name="timeProvider">The clock the backoffs wait on.</param>
    public ReplicatedWriteRetry(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <summary>How many times a write is sent at most while DynamoDB refuses it as a replicated write conflict.</summary>
    public const int MaxAttempts = 3;

    /// <summary>The wait before resend <paramref name="retry"/> (0 first): 20 ms doubling, times a jitter in [0.5, 1.5).</summary>
    /// <param name="retry">Which resend: 0 for the first.</param>
    /// <param name="jitter">A random number in [0, 1).</param>
    /// <returns>The wait.</returns>
    public static TimeSpan Backoff(int retry, double jitter) => TimeSpan.FromMilliseconds(20 * (1 << retry) * (0.5 + jitter));

    /// <summary>Sends <paramref name="send"/> until it is not refused as a replicated write conflict, at most <see cref="MaxAttempts"/> times.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="send">Sends the very same request each time.</param>
    /// <param name="cancellationToken">Cancels a send or a backoff.</param>
    /// <returns>The first answer that was not a replicated write conflict.</returns>
    /// <exception cref="ReplicatedWriteConflictException">The last of <see cref="MaxAttempts"/> sends was refused too.</exception>
    public async Task<T> SendAsync<T>(Func<CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await send(cancellationToken).ConfigureAwait(false);
            }
            catch (ReplicatedWriteConflictException) when (attempt < MaxAttempts)
            {
                await Task.Delay(Backoff(attempt - 1, Random.Shared.NextDouble()), _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
