namespace Sessions.Cli.Output;

/// <summary>
/// One session as scripts read it, the same in JSON (<see cref="JsonOutput"/>) and CSV (<see cref="CsvOutput"/>): the
/// status in its stored form, every time in the library's stored form (<c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>, UTC, for
/// example <c>2026-01-20T02:19:09.0000000Z</c>), and an optional text that is unset or empty as absent
/// (<see langword="null"/>: JSON <c>null</c>, an empty CSV cell).
/// </summary>
internal sealed record SessionRecord(
    string Id,
    string Status,
    string User,
    string Profile,
    string ServerInstanceId,
    string? SourceIdentity,
    string StartedAt,
    string LastAccessAt,
    string ExpiresAt,
    long RequestCount,
    string CreatedAt,
    string UpdatedAt,
    string? RevokedBy,
    string? RevokedReason,
    long Version)
{
    public static SessionRecord From(ServerSession s) => new(
        s.Id,
        s.Status.ToStorageString(),
        s.User,
        s.Profile,
        s.ServerInstanceId,
        Absent(s.SourceIdentity),
        SessionTimestamp.Format(s.StartedAt),
        SessionTimestamp.Format(s.LastAccessAt),
        SessionTimestamp.Format(s.ExpiresAt),
        s.RequestCount,
        SessionTimestamp.Format(s.CreatedAt),
        SessionTimestamp.Format(s.UpdatedAt),
        Absent(s.RevokedBy),
        Absent(s.RevokedReason),
        s.Version);

    /// <summary>Unset and empty read alike (the original Go tool writes <c>""</c> for unset): absent.</summary>
    private static string? Absent(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
