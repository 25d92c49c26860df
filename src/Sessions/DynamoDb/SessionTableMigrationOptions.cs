namespace Sessions.DynamoDb;

/// <summary>Settings of <see cref="SessionTableMigration.MigrateAsync"/>.</summary>
public sealed class SessionTableMigrationOptions
{
    /// <summary>Gets or sets a value indicating whether to only count what would change, writing nothing.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DryRun { get; set; }

    /// <summary>Gets or sets the retention the <c>ttl</c> attribute is computed with (<c>ttl</c> = ExpiresAt + Retention).</summary>
    /// <value>The default value is 1 hour, as <see cref="DynamoDbSessionStoreOptions.Retention"/>.</value>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets the id after which a run resumes (the <see cref="SessionTableMigrationResult.ResumeAfterId"/> of an
    /// interrupted run); <see langword="null"/> starts at the beginning. A run is also safe to repeat from the start:
    /// items already in the stored form are only counted.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? StartAfterId { get; set; }

    /// <summary>Gets or sets how many items one scan request reads.</summary>
    /// <value>The default value is 100; 1 to 1,000.</value>
    public int PageSize { get; set; } = 100;
}
