namespace Sessions.Hosting;

/// <summary>Settings of the session store health check that <c>AddSessionStore</c> on <c>IHealthChecksBuilder</c> registers.</summary>
public sealed class SessionStoreHealthCheckOptions
{
    /// <summary>
    /// Gets or sets how long the check waits for the table to answer; a table that has not answered by then is
    /// reported with the registration's failure status.
    /// </summary>
    /// <value>The default value is 5 seconds. Must be positive.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
