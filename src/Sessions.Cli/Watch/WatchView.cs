using System.Globalization;
using System.Text;
using Sessions.Cli.Output;

namespace Sessions.Cli.Watch;

/// <summary>How <c>sessions watch</c> shows its refreshes: redrawn in place on a terminal, appended as plain lines otherwise.</summary>
internal abstract class WatchView
{
    /// <summary>Called once before the first refresh.</summary>
    public abstract void Begin();

    /// <summary>Shows one refresh.</summary>
    public abstract void Show(WatchFrame frame);

    /// <summary>Called once at the end, also after a failure or Ctrl-C: leaves the output as it found it.</summary>
    public abstract void End();

    /// <summary>One line telling what happened to a session, without the time: <c>revoked  3f9c0a1b2c3d4e5f  by 'ops': leaked</c>.</summary>
    public static string Describe(WatchEvent change)
    {
        var s = change.Session;
        var what = change.Kind switch
        {
            WatchEventKind.Started => $"user {SessionFormat.Quoted(s.User)}, profile {SessionFormat.Quoted(s.Profile)}, on {SessionFormat.Quoted(s.ServerInstanceId)}",
            WatchEventKind.Revoked => $"by {SessionFormat.Quoted(s.RevokedBy)}{(string.IsNullOrEmpty(s.RevokedReason) ? string.Empty : ": " + SessionFormat.Text(s.RevokedReason))}, after {SessionFormat.Count(s.RequestCount, "request")}",
            WatchEventKind.Expired => $"at {SessionFormat.Time(s.ExpiresAt)}, after {SessionFormat.Count(s.RequestCount, "request")}",
            _ => $"user {SessionFormat.Quoted(s.User)} on {SessionFormat.Quoted(s.ServerInstanceId)}",
        };
        return $"{change.Kind.ToString().ToLowerInvariant(),-8} {SessionFormat.Text(s.Id)}  {what}";
    }

    /// <summary>A request rate: <c>12.5/s</c>, or <c>-</c> before the second sight of a session.</summary>
    public static string Rate(double? perSecond) =>
        perSecond is { } rate ? rate.ToString("#,##0.0", CultureInfo.InvariantCulture) + "/s" : "-";
}

/// <summary>
/// The live view on a terminal: the alternate screen with the cursor hidden, redrawn in place on each refresh (a table
/// of the active sessions with their request rates, then the latest changes); <see cref="End"/> shows the cursor and
/// returns to the normal screen as it was. When the terminal's height is known, the table is cut to fit the screen and
/// says how many sessions it leaves out.
/// </summary>
internal sealed class TerminalWatchView(TextWriter output, Style style, string table, TimeSpan interval, Func<int>? windowHeight = null) : WatchView
{
    public const string EnterAlternateScreen = "\u001b[?1049h\u001b[?25l";
    public const string LeaveAlternateScreen = "\u001b[?25h\u001b[?1049l";
    private const string ClearToLineEnd = "\u001b[K";
    private const int ShownChanges = 10;

    private readonly Queue<string> _changes = new();

    public override void Begin() => output.Write(EnterAlternateScreen);

    public override void Show(WatchFrame frame)
    {
        foreach (var change in frame.Events)
        {
            _changes.Enqueue($"{SessionFormat.Time(change.At)}  {Describe(change)}");
            if (_changes.Count > ShownChanges)
            {
                _changes.Dequeue();
            }
        }

        var screen = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        screen.WriteLine(style.Bold($"sessions watch: table '{table}', refreshed every {interval.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; Ctrl-C to stop"));
        var total = frame.Active.Sum(a => a.RequestsPerSecond ?? 0);
        screen.WriteLine($"{SessionFormat.Time(frame.At)}  {SessionFormat.Count(frame.Active.Count, "active session")}, {Rate(frame.First ? null : total)}");
        screen.WriteLine();
        var sessions = new TextTable("ID", "USER", "PROFILE", "SERVER INSTANCE", "STARTED", "LAST ACCESS", ">REQUESTS", ">REQ/S");
        var fits = RowsThatFit(frame.Active.Count);
        foreach (var a in frame.Active.Take(fits))
        {
            var s = a.Session;
            sessions.Add(s.Id, s.User, s.Profile, s.ServerInstanceId, SessionFormat.Time(s.StartedAt), SessionFormat.Time(s.LastAccessAt), SessionFormat.Count(s.RequestCount), Rate(a.RequestsPerSecond));
        }

        if (frame.Active.Count == 0)
        {
            screen.WriteLine("(no active sessions)");
        }
        else if (sessions.RowCount > 0)
        {
            sessions.Write(screen, style);
        }

        if (fits < frame.Active.Count)
        {
            screen.WriteLine(style.Dim($"... and {SessionFormat.Count(frame.Active.Count - fits, "more active session")}; a taller terminal shows more"));
        }

        screen.WriteLine();
        screen.WriteLine(style.Bold("Latest changes"));
        foreach (var change in _changes.Reverse())
        {
            screen.WriteLine(change);
        }

        if (_changes.Count == 0)
        {
            screen.WriteLine(style.Dim("(none yet)"));
        }

        // Home, each line cleared past its end, and the rest of the screen cleared: no flicker, no leftovers.
        var text = new StringBuilder("\u001b[H");
        foreach (var line in screen.ToString().Split('\n')[..^1])
        {
            text.Append(line).Append(ClearToLineEnd).Append('\n');
        }

        output.Write(text.Append("\u001b[J").ToString());
    }

    public override void End() => output.Write(LeaveAlternateScreen);

    /// <summary>How many table rows fit on the screen beside the header, the table's own header and the changes.</summary>
    private int RowsThatFit(int rows)
    {
        int height;
        try
        {
            height = windowHeight?.Invoke() ?? 0;
        }
        catch (IOException)
        {
            height = 0;
        }

        if (height <= 0)
        {
            return rows;
        }

        // Header (2), blank, table header, blank, "Latest changes" and its lines, the "... and N more" line, and the cursor's line.
        var around = 2 + 1 + 1 + 1 + 1 + Math.Max(1, _changes.Count) + 1 + 1;
        var room = Math.Max(0, height - around);
        return rows <= room + 1 ? rows : room;
    }
}

/// <summary>
/// The view on a pipe or a log: plain lines, appended. The first refresh lists the active sessions; later ones print a
/// line per change and a line per session that served requests since the previous refresh.
/// </summary>
internal sealed class PlainWatchView(TextWriter output, string table, TimeSpan interval) : WatchView
{
    public override void Begin()
    {
    }

    public override void Show(WatchFrame frame)
    {
        var at = SessionFormat.Time(frame.At);
        if (frame.First)
        {
            output.WriteLine($"{at}  watching table '{table}' every {interval.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s: {SessionFormat.Count(frame.Active.Count, "active session")}");
            foreach (var a in frame.Active)
            {
                var s = a.Session;
                output.WriteLine($"{at}  active   {SessionFormat.Text(s.Id)}  user {SessionFormat.Quoted(s.User)}, profile {SessionFormat.Quoted(s.Profile)}, on {SessionFormat.Quoted(s.ServerInstanceId)}, {SessionFormat.Count(s.RequestCount, "request")}");
            }

            return;
        }

        foreach (var change in frame.Events)
        {
            output.WriteLine($"{at}  {Describe(change)}");
        }

        foreach (var a in frame.Active.Where(a => a.NewRequests > 0))
        {
            output.WriteLine($"{at}  requests {SessionFormat.Text(a.Session.Id)}  +{SessionFormat.Count(a.NewRequests!.Value)} ({Rate(a.RequestsPerSecond)}), {SessionFormat.Count(a.Session.RequestCount)} in all");
        }
    }

    public override void End()
    {
    }
}
