using System.Buffers;
using System.Globalization;
using System.Text;
using Sessions.Diagnostics;

namespace Sessions.Cli.Output;

/// <summary>
/// Sessions as RFC 4180 CSV: a header row of the stored attribute names, one record per session, CRLF line ends; a
/// field holding a comma, a double quote, CR or LF is quoted and its quotes doubled. Values are those of
/// <see cref="SessionRecord"/>, as in JSON: times in the stored form, an absent text an empty field. Line breaks inside
/// a quoted field are kept; every other control or format character is escaped visibly (<see cref="VisibleText"/>), so a
/// field can break neither the record structure nor the terminal. A field a spreadsheet would run as a formula is
/// neutralised as OWASP's CSV injection guidance recommends: a leading single quote inside a quoted field.
/// </summary>
internal static class CsvOutput
{
    private const string LineEnd = "\r\n";

    /// <summary>
    /// The first characters that make a spreadsheet read a cell as a formula (<c>= + - @</c>, tab, CR), and the single
    /// quote itself, so that one leading quote is always the one added (strip one to read the value back).
    /// </summary>
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r'");

    private static readonly string[] Header =
    [
        "id", "status", "user", "profile", "server_instance_id", "source_identity", "started_at", "last_access_at", "expires_at",
        "request_count", "created_at", "updated_at", "revoked_by", "revoked_reason", "version",
    ];

    public static void Write(TextWriter writer, IEnumerable<ServerSession> sessions)
    {
        var line = new StringBuilder();
        WriteRecord(writer, line, Header);
        foreach (var s in sessions.Select(SessionRecord.From))
        {
            WriteRecord(writer, line,
            [
                s.Id,
                s.Status,
                s.User,
                s.Profile,
                s.ServerInstanceId,
                s.SourceIdentity,
                s.StartedAt,
                s.LastAccessAt,
                s.ExpiresAt,
                s.RequestCount.ToString(CultureInfo.InvariantCulture),
                s.CreatedAt,
                s.UpdatedAt,
                s.RevokedBy,
                s.RevokedReason,
                s.Version.ToString(CultureInfo.InvariantCulture),
            ]);
        }
    }

    /// <summary>
    /// One field: control characters other than CR and LF escaped visibly; a leading single quote added when a
    /// spreadsheet would read it as a formula (or it begins with a quote); quoted when it was neutralised or when RFC
    /// 4180 requires it.
    /// </summary>
    internal static string Field(string? value)
    {
        var text = VisibleText.Escape(value, keepLineBreaks: true);
        var neutralised = text.Length > 0 && FormulaStarts.Contains(text[0]);
        if (!neutralised && text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return text;
        }

        return $"\"{(neutralised ? "'" : string.Empty)}{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
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
