using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sessions.Hosting;

/// <summary>
/// Keeps the last result of one health check registration for a while, and lets checks that arrive while one runs share
/// it: a flood of probes (the endpoint is often unauthenticated) costs at most one request per period.
/// </summary>
internal sealed class HealthResultCache(TimeSpan duration)
{
    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _current;
    private long _startedAt;

    /// <summary>The cached result while it is younger than the duration, the running check, or a new one from <paramref name="check"/>.</summary>
    public Task<HealthCheckResult> GetAsync(
        TimeProvider time, Func<Task<HealthCheckResult>> check, CancellationToken cancellationToken)
    {
        Task<HealthCheckResult> current;
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (_current is null || (_current.IsCompleted && time.GetElapsedTime(_startedAt, now) >= duration))
            {
                _current = check();
                _startedAt = now;
            }

            current = _current;
        }

        return current.WaitAsync(cancellationToken);
    }
}
