namespace Sessions.Hosting;

/// <summary>Settings of the expiry sweeper that <c>AddSessionExpirySweeper</c> registers. Every setting has bounds, checked at start-up.</summary>
public sealed class SessionExpirySweeperOptions
{
    /// <summary>The longest <see cref="Interval"/>, <see cref="MaxStartDelay"/>, <see cref="LeaseDuration"/> and <see cref="MaxClockSkew"/>: one day.</summary>
    internal static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    /// <summary>The most sessions one run may read.</summary>
    internal const int MaxSessionsPerRunLimit = 1_000_000;

    /// <summary>Gets or sets how often the sweeper runs. Each run expires the Active sessions whose ExpiresAt has passed.</summary>
    /// <value>The default value is 1 minute. From 1 second to 1 day.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets the longest random delay before an instance first tries to sweep, so that a fleet started at
    /// once does not reach for the lease at the same moment.
    /// </summary>
    /// <value>The default value is 30 seconds. From zero (start at once) to 1 day.</value>
    public TimeSpan MaxStartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how many Active sessions one run reads at most. The next run continues where this one stopped, so
    /// a large table is swept over several runs at a bounded cost per run.
    /// </summary>
    /// <value>The default value is 1,000. From 1 to 1,000,000.</value>
    public int MaxSessionsPerRun { get; set; } = 1_000;

    /// <summary>
    /// Gets or sets how long a tenure of the lease lasts after the holder's last write. The holder renews at every run and
    /// during long runs; another instance takes over once the lease record has not changed for this long on its own
    /// clock, so a holder that dies is replaced within this time after the others saw its last write. Keep it longer
    /// than <see cref="Interval"/> so that the same instance keeps sweeping while it lives.
    /// </summary>
    /// <value>The default value is 2 minutes. From 1 second to 1 day.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets how far this host's clock may be from the clock of DynamoDB (read off its answers) before the
    /// instance stops sweeping: a host whose clock is off would judge expiry wrongly and stamp wrong times, so it releases
    /// the lease, logs a warning and reports Degraded in the health check until its clock is right again, while the
    /// other instances sweep. Within the bound the sweeper still judges expiry by the earlier of the two clocks, so no
    /// session is expired before its time. Not used on stores whose lease lives in the process (in memory).
    /// </summary>
    /// <value>The default value is 30 seconds. From 5 seconds to 1 day.</value>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the name this instance holds the lease under, shown in logs, spans and the lease item.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: the machine name, the process id and a random suffix. When set: 1 to
    /// 256 characters, no control or format characters.
    /// </value>
    public string? InstanceName { get; set; }

    /// <summary>Returns what is wrong with the settings, naming each bad setting, or an empty list.</summary>
    internal List<string> Validate()
    {
        var problems = new List<string>();
        Within(problems, nameof(Interval), Interval, TimeSpan.FromSeconds(1), MaxDuration);
        Within(problems, nameof(MaxStartDelay), MaxStartDelay, TimeSpan.Zero, MaxDuration);
        Within(problems, nameof(LeaseDuration), LeaseDuration, TimeSpan.FromSeconds(1), MaxDuration);
        Within(problems, nameof(MaxClockSkew), MaxClockSkew, TimeSpan.FromSeconds(5), MaxDuration);
        if (MaxSessionsPerRun < 1 || MaxSessionsPerRun > MaxSessionsPerRunLimit)
        {
            problems.Add($"{nameof(MaxSessionsPerRun)}: must be from 1 to {MaxSessionsPerRunLimit:N0} (got {MaxSessionsPerRun}).");
        }

        if (InstanceName is { Length: 0 or > 256 })
        {
            problems.Add($"{nameof(InstanceName)}: must be 1 to 256 characters long when set (got {InstanceName.Length}).");
        }
        else if (InstanceName is not null && InstanceName.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format
            or System.Globalization.UnicodeCategory.Surrogate or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator))
        {
            problems.Add($"{nameof(InstanceName)}: must not hold control, format or separator characters.");
        }

        return problems;
    }

    private static void Within(List<string> problems, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            problems.Add($"{name}: must be from {min} to {max} (got {value}).");
        }
    }
}
