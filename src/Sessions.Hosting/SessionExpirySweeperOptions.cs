namespace Sessions.Hosting;

/// <summary>Settings of the expiry sweeper that <c>AddSessionExpirySweeper</c> registers.</summary>
public sealed class SessionExpirySweeperOptions
{
    /// <summary>Gets or sets how often the sweeper runs. Each run expires the Active sessions whose ExpiresAt has passed.</summary>
    /// <value>The default value is 1 minute. Must be positive.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets the longest random delay before an instance first tries to sweep, so that a fleet started at
    /// once does not reach for the lease at the same moment.
    /// </summary>
    /// <value>The default value is 30 seconds. Must not be negative; zero starts at once.</value>
    public TimeSpan MaxStartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how many Active sessions one run reads at most. The next run continues where this one stopped, so
    /// a large table is swept over several runs at a bounded cost per run.
    /// </summary>
    /// <value>The default value is 1,000. Must be positive.</value>
    public int MaxSessionsPerRun { get; set; } = 1_000;

    /// <summary>
    /// Gets or sets how long a lease lasts unless renewed. The instance that sweeps renews it at every run and
    /// between pages; when it dies, another instance takes over within this time. Keep it longer than
    /// <see cref="Interval"/> so that the same instance keeps sweeping while it lives.
    /// </summary>
    /// <value>The default value is 2 minutes. Must be at least 1 second.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the name this instance holds the lease under, shown in logs and spans.</summary>
    /// <value>The default value is <see langword="null"/>: the machine name, the process id and a random suffix.</value>
    public string? InstanceName { get; set; }

    /// <summary>Returns what is wrong with the settings, naming each bad setting, or an empty list.</summary>
    internal List<string> Validate()
    {
        var problems = new List<string>();
        if (Interval <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(Interval)}: must be positive (got {Interval}).");
        }

        if (MaxStartDelay < TimeSpan.Zero)
        {
            problems.Add($"{nameof(MaxStartDelay)}: must not be negative (got {MaxStartDelay}).");
        }

        if (MaxSessionsPerRun <= 0)
        {
            problems.Add($"{nameof(MaxSessionsPerRun)}: must be positive (got {MaxSessionsPerRun}).");
        }

        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{nameof(LeaseDuration)}: must be at least 1 second (got {LeaseDuration}).");
        }

        if (InstanceName is { Length: 0 or > 256 })
        {
            problems.Add($"{nameof(InstanceName)}: must be 1 to 256 characters long when set (got {InstanceName.Length}).");
        }

        return problems;
    }
}
