namespace Sessions.DynamoDb;

/// <summary>Settings of <see cref="SessionTableMigration.MigrateAsync"/>.</summary>
public sealed class SessionTableMigrationOptions
{
    /// <summary>Gets or sets a value indicating whether to only count what would change, writing nothing.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DryRun { get; set; }

    /// <summary>
    /// Gets or sets the retention to lengthen <c>ttl</c> to (<c>ttl</c> = ExpiresAt + Retention). A migration never shortens
    /// a <c>ttl</c>: an item whose <c>ttl</c> lies further ahead keeps it, and so does every item with a <c>ttl</c> when
    /// this is <see langword="null"/>. An item without a <c>ttl</c> gets ExpiresAt + this retention, or + 1 hour (the store's
    /// default) when it is <see langword="null"/>. A <c>ttl</c> that is not a number (which DynamoDB never acts on) is left as it is.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: keep every <c>ttl</c>. At most 100 years.</value>
    public TimeSpan? Retention { get; set; }

    /// <summary>
    /// Gets or sets the id after which a run resumes (the <see cref="SessionTableMigrationResult.ResumeAfterId"/> of an
    /// interrupted run); <see langword="null"/> starts at the beginning. A run is also safe to repeat from the start:
    /// items already in the stored form are only counted.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? StartAfterId { get; set; }

    /// <summary>
    /// Gets or sets the Region whose replica the run writes, on a global table with home Regions (with
    /// <see cref="GlobalTableRegions"/>): only sessions homed there are migrated, each on condition that it still is; the
    /// others are counted in <see cref="SessionTableMigrationResult.HomedElsewhere"/>. Run the migration once in each Region.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: a table of one Region.</value>
    public string? Region { get; set; }

    /// <summary>Gets or sets the Regions of the global table, as the store's <see cref="DynamoDbSessionStoreOptions.GlobalTableRegions"/>.</summary>
    /// <value>The default value is empty: a table of one Region.</value>
    public IList<string> GlobalTableRegions { get; set; } = [];

    /// <summary>Gets or sets how many items one scan request reads.</summary>
    /// <value>The default value is 100; 1 to 1,000.</value>
    public int PageSize { get; set; } = 100;
}
