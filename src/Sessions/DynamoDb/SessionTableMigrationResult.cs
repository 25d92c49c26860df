namespace Sessions.DynamoDb;

/// <summary>What a run of <see cref="SessionTableMigration.MigrateAsync"/> did, or has done so far (progress).</summary>
public sealed class SessionTableMigrationResult
{
    internal SessionTableMigrationResult(
        bool dryRun, int scanned, int migrated, int alreadyCanonical, int skipped, IReadOnlyDictionary<string, Exception> failures, string? resumeAfterId)
    {
        DryRun = dryRun;
        Scanned = scanned;
        Migrated = migrated;
        AlreadyCanonical = alreadyCanonical;
        Skipped = skipped;
        Failures = failures;
        FailedIds = [.. failures.Keys.Order(StringComparer.Ordinal)];
        ResumeAfterId = resumeAfterId;
    }

    /// <summary>Gets a value indicating whether the run only counted (<see cref="Migrated"/> then counts what would change).</summary>
    public bool DryRun { get; }

    /// <summary>Gets how many items the run read.</summary>
    public int Scanned { get; }

    /// <summary>Gets how many items the run rewrote into the stored form (in a dry run: would rewrite).</summary>
    public int Migrated { get; }

    /// <summary>
    /// Gets, for each attribute the run rewrote (in a dry run: would rewrite), how many items had it rewritten, in ordinal
    /// order of the attribute name, for example <c>ttl</c> 12, <c>version</c> 40.
    /// </summary>
    public IReadOnlyDictionary<string, int> ChangedAttributes { get; internal init; } = new Dictionary<string, int>();

    /// <summary>Gets how many items were in the stored form already.</summary>
    public int AlreadyCanonical { get; }

    /// <summary>Gets how many items kept changing under the run (another writer won every attempt); run again for them.</summary>
    public int Skipped { get; }

    /// <summary>
    /// Gets how many items the run left alone because they are homed in another Region of the global table
    /// (<see cref="SessionTableMigrationOptions.Region"/>): the run in that Region migrates them.
    /// </summary>
    public int HomedElsewhere { get; internal init; }

    /// <summary>Gets how many items cannot be migrated (corrupt: see <see cref="Failures"/>).</summary>
    public int Failed => Failures.Count;

    /// <summary>Gets the ids of the items that cannot be migrated, in ordinal order.</summary>
    public IReadOnlyList<string> FailedIds { get; }

    /// <summary>Gets the error of each item that cannot be migrated, by id.</summary>
    public IReadOnlyDictionary<string, Exception> Failures { get; }

    /// <summary>
    /// Gets the id after which every item has been handled, to pass as <see cref="SessionTableMigrationOptions.StartAfterId"/>
    /// when resuming; <see langword="null"/> once the whole table is done (or before the first page is).
    /// </summary>
    public string? ResumeAfterId { get; }
}
