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

    /// <summary>Shows that a refresh failed and when the next attempt comes; the next <see cref="Show"/> ends the outage.</summary>
    public abstract void ShowOutage(WatchOutage outage);

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

    /// <summary>
    /// The line of an outage, without the time: <c>reconnecting: ListByStatus failed …; next attempt in 1.5 s, at
    /// 2026-01-20 02:00:07Z (2 failed attempts)</c>.
    /// </summary>
    public static string Describe(WatchOutage outage) =>
        $"reconnecting: {outage.Cause}; next attempt in {outage.Delay.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s, " +
        $"at {SessionFormat.Time(outage.NextAttempt)} ({SessionFormat.Count(outage.Failures, "failed attempt")})";

    /// <summary>
    /// The line of the items a refresh could not read, or <see langword="null"/> when there is none: <c>2 unreadable
    /// items: 3f9c0a1b2c3d4e5f, 9a8b7c6d5e4f3a2b</c> (ids escaped; at most <paramref name="shown"/> of them, then how many more).
    /// </summary>
    public static string? DescribeUnreadable(IReadOnlyList<SessionCorruptException> unreadable, int shown = int.MaxValue)
    {
        if (unreadable.Count == 0)
        {
            return null;
        }

        var ids = string.Join(", ", unreadable.Take(shown).Select(u => u.SessionId is null ? "(no id)" : SessionFormat.Text(u.SessionId)));
        var more = unreadable.Count > shown ? $" and {SessionFormat.Count(unreadable.Count - shown)} more" : string.Empty;
        return $"{SessionFormat.Count(unreadable.Count, "unreadable item")}: {ids}{more}";
    }

    /// <summary>A request rate: <c>12.5/s</c>, or <c>-</c> before the second sight of a session.</summary>
    public static string Rate(double? perSecond) =>
        perSecond is { } rate ? rate.ToString("#,##0.0", CultureInfo.InvariantCulture) + "/s" : "-";
}

/// <summary>
/// The live view on a terminal: the alternate screen with the cursor hidden, redrawn in place on each refresh (a table
/// of the active sessions with their request rates, then the latest changes; a line counting the unreadable items when
/// there are any, and during an outage a line saying it is reconnecting, why and when it tries next, above the last
/// refresh it could make); <see cref="End"/> shows the cursor and returns to the normal screen as it was. When the
/// terminal's height is known, the table is cut to fit the screen and says how many sessions it leaves out.
/// </summary>
internal sealed class TerminalWatchView(TextWriter output, Style style, string table, TimeSpan interval, Func<int>? windowHeight = null) : WatchView
{
    public const string EnterAlternateScreen = "\u001b[?1049h\u001b[?25l";
    public const string LeaveAlternateScreen = "\u001b[?25h\u001b[?1049l";
    private const string ClearToLineEnd = "\u001b[K";
    private const int ShownChanges = 10;
    private const int ShownUnreadable = 5;

    private readonly Queue<string> _changes = new();
    private WatchFrame? _last;

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

        _last = frame;
        Draw(frame, outage: null);
    }

    /// <summary>Redraws the last refresh (its time says how old it is) with a line saying the watch is reconnecting.</summary>
    public override void ShowOutage(WatchOutage outage) => Draw(_last, outage);

    public override void End() => output.Write(LeaveAlternateScreen);

    private void Draw(WatchFrame? frame, WatchOutage? outage)
    {
        var screen = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        screen.WriteLine(style.Bold($"sessions watch: table '{table}', refreshed every {interval.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; Ctrl-C to stop"));
        var active = frame?.Active ?? [];
        if (frame is null)
        {
            screen.WriteLine("(no refresh yet)");
        }
        else
        {
            var total = active.Sum(a => a.RequestsPerSecond ?? 0);
            screen.WriteLine($"{SessionFormat.Time(frame.At)}  {SessionFormat.Count(active.Count, "active session")}, {Rate(frame.First ? null : total)}");
        }

        var extra = 0;
        if (frame is not null && DescribeUnreadable(frame.Unreadable, ShownUnreadable) is { } unreadable)
        {
            screen.WriteLine(style.Yellow(unreadable));
            extra++;
        }

        if (outage is not null)
        {
            screen.WriteLine(style.Red($"{SessionFormat.Time(outage.At)}  {Describe(outage)}"));
            extra++;
        }

        screen.WriteLine();
        var sessions = new TextTable("ID", "USER", "PROFILE", "SERVER INSTANCE", "STARTED", "LAST ACCESS", ">REQUESTS", ">REQ/S");
        var fits = RowsThatFit(active.Count, extra);
        foreach (var a in active.Take(fits))
        {
            var s = a.Session;
            sessions.Add(s.Id, s.User, s.Profile, s.ServerInstanceId, SessionFormat.Time(s.StartedAt), SessionFormat.Time(s.LastAccessAt), SessionFormat.Count(s.RequestCount), Rate(a.RequestsPerSecond));
        }

        if (active.Count == 0)
        {
            screen.WriteLine("(no active sessions)");
        }
        else if (sessions.RowCount > 0)
        {
            sessions.Write(screen, style);
        }

        if (fits < active.Count)
        {
            screen.WriteLine(style.Dim($"... and {SessionFormat.Count(active.Count - fits, "more active session")}; a taller terminal shows more"));
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

    /// <summary>How many table rows fit on the screen beside the header (and its <paramref name="extra"/> lines), the table's own header and the changes.</summary>
    private int RowsThatFit(int rows, int extra)
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
        var around = 2 + extra + 1 + 1 + 1 + 1 + Math.Max(1, _changes.Count) + 1 + 1;
        var room = Math.Max(0, height - around);
        return rows <= room + 1 ? rows : room;
    }
}

/// <summary>
/// The view on a pipe or a log: plain lines, appended. The first refresh lists the active sessions; later ones print a
/// line per change and a line per session that served requests since the previous refresh. Unreadable items get a line
/// when they first show and whenever they change; each failed refresh gets a <c>reconnecting</c> line, and the refresh
/// that succeeds after them a <c>reconnected</c> line.
/// </summary>
internal sealed class PlainWatchView(TextWriter output, string table, TimeSpan interval) : WatchView
{
    private string? _unreadable;
    private bool _reconnecting;

    public override void Begin()
    {
    }

    public override void Show(WatchFrame frame)
    {
        var at = SessionFormat.Time(frame.At);
        if (_reconnecting)
        {
            output.WriteLine($"{at}  reconnected");
            _reconnecting = false;
        }

        if (frame.First)
        {
            output.WriteLine($"{at}  watching table '{table}' every {interval.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s: {SessionFormat.Count(frame.Active.Count, "active session")}");
            foreach (var a in frame.Active)
            {
                var s = a.Session;
                output.WriteLine($"{at}  active   {SessionFormat.Text(s.Id)}  user {SessionFormat.Quoted(s.User)}, profile {SessionFormat.Quoted(s.Profile)}, on {SessionFormat.Quoted(s.ServerInstanceId)}, {SessionFormat.Count(s.RequestCount, "request")}");
            }
        }
        else
        {
            foreach (var change in frame.Events)
            {
                output.WriteLine($"{at}  {Describe(change)}");
            }

            foreach (var a in frame.Active.Where(a => a.NewRequests > 0))
            {
                output.WriteLine($"{at}  requests {SessionFormat.Text(a.Session.Id)}  +{SessionFormat.Count(a.NewRequests!.Value)} ({Rate(a.RequestsPerSecond)}), {SessionFormat.Count(a.Session.RequestCount)} in all");
            }
        }

        // The unreadable items when they first show and whenever they change, not on every refresh.
        var unreadable = DescribeUnreadable(frame.Unreadable);
        if (!string.Equals(unreadable, _unreadable, StringComparison.Ordinal))
        {
            output.WriteLine($"{at}  {unreadable ?? "no unreadable items"}");
            _unreadable = unreadable;
        }
    }

    public override void ShowOutage(WatchOutage outage)
    {
        output.WriteLine($"{SessionFormat.Time(outage.At)}  {Describe(outage)}");
        _reconnecting = true;
    }

    public override void End()
    {
    }
}
