namespace Sessions;

/// <summary>
/// What a bulk maintenance run did: how many sessions it changed, how many it skipped because someone else changed or
/// removed them meanwhile, and which it could not change (a corrupt item, a provider fault), with the error of each.
/// A run never stops at a session it cannot change.
/// </summary>
public sealed class SessionMaintenanceResult
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="changed">How many sessions the run changed.</param>
    /// <param name="skipped">How many sessions the run left alone because they changed meanwhile.</param>
    /// <param name="failures">The error of each session the run could not change, by session id.</param>
    public SessionMaintenanceResult(int changed, int skipped, IReadOnlyDictionary<string, Exception> failures)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(changed);
        ArgumentOutOfRangeException.ThrowIfNegative(skipped);
        ArgumentNullException.ThrowIfNull(failures);
        Changed = changed;
        Skipped = skipped;
        Failures = failures;
        FailedIds = [.. failures.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Gets how many sessions the run changed.</summary>
    public int Changed { get; }

    /// <summary>Gets how many sessions the run left alone because someone else changed or removed them meanwhile.</summary>
    public int Skipped { get; }

    /// <summary>Gets how many sessions the run could not change.</summary>
    public int Failed => Failures.Count;

    /// <summary>Gets the ids of the sessions the run could not change, in ordinal order.</summary>
    public IReadOnlyList<string> FailedIds { get; }

    /// <summary>Gets the error of each session the run could not change, by session id.</summary>
    public IReadOnlyDictionary<string, Exception> Failures { get; }
}
