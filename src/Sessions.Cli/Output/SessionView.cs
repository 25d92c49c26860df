namespace Sessions.Cli.Output;

/// <summary>Human-readable views of sessions: a table for lists, a block of fields for one session.</summary>
internal static class SessionView
{
    /// <summary>Writes sessions as a table, newest first as the store returns them.</summary>
    public static void WriteTable(TextWriter writer, Style style, IEnumerable<ServerSession> sessions, string indent = "")
    {
        var table = new TextTable("ID", "STATUS", "USER", "PROFILE", "SERVER INSTANCE", "CREATED", "LAST ACCESS", ">REQUESTS");
        foreach (var s in sessions)
        {
            table.Add(
                s.Id,
                SessionFormat.Status(s.Status),
                s.User,
                s.Profile,
                s.ServerInstanceId,
                SessionFormat.Time(s.CreatedAt),
                SessionFormat.Time(s.LastAccessAt),
                SessionFormat.Count(s.RequestCount));
        }

        if (table.RowCount == 0)
        {
            writer.WriteLine($"{indent}(no sessions)");
            return;
        }

        table.Write(writer, style, indent);
    }

    /// <summary>Writes every field of one session, one per line.</summary>
    public static void WriteDetails(TextWriter writer, Style style, ServerSession session, string indent = "")
    {
        writer.WriteLine($"{indent}{style.Bold("Session " + SessionFormat.Text(session.Id))}");
        var fields = new List<(string Name, string Value)>
        {
            ("status", style.Status(session.Status)),
            ("user", SessionFormat.Text(session.User)),
            ("profile", SessionFormat.Text(session.Profile)),
            ("server instance", SessionFormat.Text(session.ServerInstanceId)),
            ("source identity", SessionFormat.Text(session.SourceIdentity)),
            ("started", SessionFormat.Time(session.StartedAt)),
            ("last access", SessionFormat.Time(session.LastAccessAt)),
            ("expires", SessionFormat.Time(session.ExpiresAt)),
            ("requests", SessionFormat.Count(session.RequestCount)),
            ("created", SessionFormat.Time(session.CreatedAt)),
            ("updated", SessionFormat.Time(session.UpdatedAt)),
        };

        if (session.Status == SessionStatus.Revoked)
        {
            fields.Add(("revoked by", SessionFormat.Text(session.RevokedBy)));
            fields.Add(("revoked reason", SessionFormat.Text(session.RevokedReason)));
        }

        fields.Add(("version", SessionFormat.Count(session.Version)));

        var width = fields.Max(f => f.Name.Length);
        foreach (var (name, value) in fields)
        {
            writer.WriteLine($"{indent}  {name.PadRight(width)}  {value}");
        }
    }
}
