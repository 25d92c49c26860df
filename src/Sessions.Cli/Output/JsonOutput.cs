using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sessions.Cli.Output;

/// <summary>
/// The <c>--json</c> shapes: stable camelCase names; a session is a <see cref="SessionRecord"/> (times in the stored
/// form, an absent text <see langword="null"/>).
/// </summary>
internal static class JsonOutput
{
    public static void Write<T>(TextWriter writer, T value)
    {
        writer.WriteLine(JsonSerializer.Serialize(value, typeof(T), CliJsonContext.Default));
    }
}

/// <summary>A page of <c>list --json</c>: pass <see cref="NextToken"/> to <c>--next</c>; <see langword="null"/> on the last page.</summary>
internal sealed record SessionListJson(IReadOnlyList<SessionRecord> Items, string? NextToken);

/// <summary>
/// The result of <c>revoke-user --json</c> and <c>expire-stale --json</c>: <see cref="Count"/> sessions changed,
/// <see cref="Skipped"/> changed meanwhile by someone else, <see cref="Failed"/> not changed (ids in <see cref="FailedIds"/>).
/// </summary>
internal sealed record BulkResultJson(string Action, int Count, string? User, int Skipped, int Failed, IReadOnlyList<string> FailedIds);

/// <summary>
/// The result of <c>table migrate --json</c>; <see cref="Migrated"/> counts what would change in a dry run, and
/// <see cref="ChangedAttributes"/> how many items had (would have) each attribute rewritten.
/// </summary>
internal sealed record MigrationJson(
    string Table, bool DryRun, int Scanned, int Migrated, int AlreadyCanonical, int Skipped, int HomedElsewhere, int Failed, IReadOnlyList<string> FailedIds,
    Dictionary<string, int> ChangedAttributes);

/// <summary>
/// The result of <c>table describe --json</c> and <c>table create --json</c>. <see cref="Regions"/> is <c>single Region</c>
/// unless DescribeTable reports replicas (a global table): then <c>global table</c>, with <see cref="Replicas"/>, the
/// <see cref="MultiRegionConsistency"/> (<c>EVENTUAL</c>, <c>STRONG</c>, or <see langword="null"/> where not reported),
/// <see cref="GlobalTableVersion"/> and any <see cref="Witnesses"/> as reported.
/// </summary>
internal sealed record TableJson(
    string Name,
    string? Status,
    string? BillingMode,
    long? ItemCount,
    IReadOnlyList<string> Key,
    IReadOnlyList<TableIndexJson> Indexes,
    string? TimeToLiveAttribute,
    string? TimeToLiveStatus,
    string Regions,
    string? MultiRegionConsistency,
    string? GlobalTableVersion,
    IReadOnlyList<TableRegionJson> Replicas,
    IReadOnlyList<TableRegionJson> Witnesses);

/// <summary>One global secondary index in <see cref="TableJson"/>.</summary>
internal sealed record TableIndexJson(string Name, IReadOnlyList<string> Key, string? Projection, string? Status);

/// <summary>One replica or witness Region of a global table in <see cref="TableJson"/>, with its status as DescribeTable reports it.</summary>
internal sealed record TableRegionJson(string? Region, string? Status);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(SessionRecord))]
[JsonSerializable(typeof(SessionListJson))]
[JsonSerializable(typeof(BulkResultJson))]
[JsonSerializable(typeof(TableJson))]
[JsonSerializable(typeof(MigrationJson))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
