namespace Sessions.Hosting;

/// <summary>Settings of the session store health check that <c>AddSessionStore</c> on <c>IHealthChecksBuilder</c> registers.</summary>
public sealed class SessionStoreHealthCheckOptions
{
    /// <summary>
    /// Gets or sets how long the check waits for the table to answer; a table that has not answered by then is
    /// reported with the registration's failure status.
    /// </summary>
    /// <value>The default value is 5 seconds. More than zero, at most 5 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long a result is reused before the table is asked again. Checks that arrive while one runs share
    /// it, so however often the health endpoint is called, the check sends at most one <c>DescribeTable</c> per period.
    /// </summary>
    /// <value>The default value is 5 seconds. Zero (ask every time, still sharing a running check) to 5 minutes.</value>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Returns what is wrong with the settings, naming each bad setting, or an empty list.</summary>
    internal List<string> Validate()
    {
        var problems = new List<string>();
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{nameof(Timeout)}: must be more than zero and at most 00:05:00 (got {Timeout}).");
        }

        if (CacheDuration < TimeSpan.Zero || CacheDuration > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{nameof(CacheDuration)}: must be from zero to 00:05:00 (got {CacheDuration}).");
        }

        return problems;
    }
}
