using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Sessions;
using Sessions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the session store's health check on an <see cref="IHealthChecksBuilder"/>.</summary>
public static class SessionStoreHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check of the registered <see cref="ISessionStore"/>: on DynamoDB one <c>DescribeTable</c> of the session
    /// table, Healthy when the table and its four indexes are ACTIVE, Degraded when throttled or being updated, and
    /// <paramref name="failureStatus"/> naming the table when it is missing, lacks an index or does not answer within
    /// <see cref="SessionStoreHealthCheckOptions.Timeout"/>. Needs <c>dynamodb:DescribeTable</c> on the table.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status of a failed check; <see langword="null"/> means <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by, for example <c>ready</c>.</param>
    /// <param name="configure">Sets the options, such as the timeout.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IHealthChecksBuilder AddSessionStore(
        this IHealthChecksBuilder builder,
        string name = "sessions",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        Action<SessionStoreHealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var options = new SessionStoreHealthCheckOptions();
        configure?.Invoke(options);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(configure));
        }

        // One cache per registration: the health check service makes a new check object for every run.
        var cache = new HealthResultCache(options.CacheDuration);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new SessionStoreHealthCheck(
                sp.GetRequiredService<ISessionStore>(), options, sp.GetService<TimeProvider>(), sp.GetService<ILogger<SessionStoreHealthCheck>>(), sp.GetService<SweeperStatus>(), cache),
            failureStatus,
            tags));
    }
}
