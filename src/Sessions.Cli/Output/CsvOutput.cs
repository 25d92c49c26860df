using System.Globalization;
using System.Text;
using Sessions.Diagnostics;

namespace Sessions.Cli.Output;

/// <summary>
/// Sessions as RFC 4180 CSV: a header row of the stored attribute names, one record per session, CRLF line ends; a
/// field holding a comma, a double quote, CR or LF is quoted and its quotes doubled. Times are UTC ISO 8601 as stored.
/// Line breaks inside a quoted field are kept; every other control character is escaped visibly (<see cref="VisibleText"/>),
/// so a field can break neither the record structure nor the terminal.
/// </summary>
internal static class CsvOutput
{
    private const string LineEnd = "\r\n";

    private static readonly string[] Header =
    [
        "id", "status", "user", "profile", "server_instance_id", "source_identity", "started_at", "last_access_at", "expires_at",
        "request_count", "created_at", "updated_at", "revoked_by", "revoked_reason", "version",
    ];

    public static void Write(TextWriter writer, IEnumerable<ServerSession> sessions)
    {
        var line = new StringBuilder();
        WriteRecord(writer, line, Header);
        foreach (var s in sessions)
        {
            WriteRecord(writer, line,
            [
                s.Id,
                s.Status.ToStorageString(),
                s.User,
                s.Profile,
                s.ServerInstanceId,
                s.SourceIdentity,
                SessionTimestamp.Format(s.StartedAt),
                SessionTimestamp.Format(s.LastAccessAt),
                SessionTimestamp.Format(s.ExpiresAt),
                s.RequestCount.ToString(CultureInfo.InvariantCulture),
                SessionTimestamp.Format(s.CreatedAt),
                SessionTimestamp.Format(s.UpdatedAt),
                s.RevokedBy,
                s.RevokedReason,
                s.Version.ToString(CultureInfo.InvariantCulture),
            ]);
        }
    }

    /// <summary>One field: quoted when RFC 4180 requires it, with control characters other than CR and LF escaped visibly.</summary>
    internal static string Field(string? value)
    {
        var text = VisibleText.Escape(value, keepLineBreaks: true);
        return text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }

    private static void WriteRecord(TextWriter writer, StringBuilder line, string?[] fields)
    {
        line.Clear();
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            line.Append(Field(fields[i]));
        }

        writer.Write(line.Append(LineEnd));
    }
}
