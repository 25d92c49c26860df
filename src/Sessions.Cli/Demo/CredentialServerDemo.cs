using System.Diagnostics;
using System.Globalization;
using Sessions.Cli.Errors;
using Sessions.Cli.Output;

namespace Sessions.Cli.Demo;

/// <summary>What the demo runs on and how big it is.</summary>
/// <param name="Requests">The credential requests the clients send.</param>
/// <param name="Workers">The credential server's concurrent workers.</param>
/// <param name="StoreDescription">The store, as shown in the header (in-memory, or a DynamoDB table and endpoint).</param>
internal sealed record DemoSettings(int Requests, int Workers, string StoreDescription);

/// <summary>
/// The demo told end to end: a credential server starts a session and serves requests from several workers, an
/// operator finds the session and revokes it mid-run, every worker stops on its next Touch, and the session's final
/// record and the figures close the story. Checks its own outcome: exit code 0 only if every worker stopped on the
/// revocation and the requests served equal the stored RequestCount.
/// </summary>
internal sealed class CredentialServerDemo
{
    private const string Operator = "ops@example.com";
    private const string Reason = "credentials seen in a CI log";
    private const int ShownSessions = 10;
    private static readonly TimeSpan SessionDuration = TimeSpan.FromHours(1);

    private readonly ISessionStore _store;
    private readonly TimeProvider _time;
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly Style _style;
    private readonly DemoSettings _settings;
    private readonly long _started = Stopwatch.GetTimestamp();

    public CredentialServerDemo(ISessionStore store, TimeProvider time, CliConsole console, DemoSettings settings)
    {
        _store = store;
        _time = time;
        _out = console.Out;
        _error = console.Error;
        _style = console.Style;
        _settings = settings;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var half = _settings.Requests / 2;
        _out.WriteLine(_style.Bold("Sessions demo: a credential server's session, from start to revocation"));
        _out.WriteLine($"store: {_settings.StoreDescription} | {SessionFormat.Count(_settings.Requests, "request")} sent | {SessionFormat.Count(_settings.Workers, "worker")} | revocation after {SessionFormat.Count(half, "request")} served");
        _out.WriteLine();

        var run = SessionId.New()[..6];
        var others = await StartOtherServersAsync(run, cancellationToken);
        var instance = $"cred-server-{run}-a";
        var session = await _store.CreateAsync(
            ServerSession.Start("alice", "prod-deploy", instance, "arn:aws:iam::123456789012:role/deploy", SessionDuration, _time.GetUtcNow()),
            cancellationToken);
        Log($"{instance} starts session {session.Id} for user alice, profile prod-deploy (expires {SessionFormat.Time(session.ExpiresAt)})");

        var server = new CredentialServer(_store, session.Id, _settings.Requests, _settings.Workers);
        Log($"{instance} serves credential requests with {SessionFormat.Count(_settings.Workers, "worker")}; each request touches the session first");
        var servingStarted = Stopwatch.GetTimestamp();
        var serving = server.ServeAsync(cancellationToken);

        var (halfServed, revoked) = await OperatorRevokesMidRunAsync(server, serving, instance, cancellationToken);
        var workers = await serving;
        Log(_settings.Workers == 1 ? "the worker stopped" : $"all {_settings.Workers} workers stopped");
        WriteWorkers(workers, revoked);

        await ShowActiveSessionsAsync("Active sessions after the revocation:", cancellationToken);
        var after = await _store.FindActiveByServerInstanceAsync(instance, cancellationToken);
        _out.WriteLine($"  FindActiveByServerInstance({instance}) -> {(after is null ? "none" : after.Id)}");
        _out.WriteLine();

        var final = await _store.GetAsync(session.Id, cancellationToken);
        _out.WriteLine(_style.Bold("Final record"));
        SessionView.WriteDetails(_out, _style, final, "  ");
        _out.WriteLine();

        var figures = DemoFigures.From(workers, servingStarted, halfServed, revoked);
        WriteFigures(figures, final, workers);

        foreach (var other in others)
        {
            await _store.ExpireAsync(other.Id, cancellationToken);
        }

        Log($"the other servers shut down: {SessionFormat.Count(others.Count, "session")} expire");
        return Verdict(workers, figures, final);
    }

    /// <summary>
    /// The operator's part: watches the active sessions while the workers serve, then, at the halfway mark, finds the
    /// instance's session and revokes it. Returns when half the requests were served and when the revocation was stored.
    /// </summary>
    private async Task<(long HalfServed, long Revoked)> OperatorRevokesMidRunAsync(CredentialServer server, Task serving, string instance, CancellationToken cancellationToken)
    {
        try
        {
            await UntilAsync(server.QuarterServed, serving);
            await ShowActiveSessionsAsync($"Active sessions while serving (ListByStatus active, {SessionFormat.Count(server.Served, "request")} served so far):", cancellationToken);

            var halfServed = await UntilAsync(server.HalfServed, serving);
            Log($"{SessionFormat.Count(server.Served, "request")} served; the operator looks up the instance's active session");
            var found = await _store.FindActiveByServerInstanceAsync(instance, cancellationToken)
                ?? throw new InvalidOperationException($"FindActiveByServerInstance({instance}) found no session.");
            Log($"  FindActiveByServerInstance({instance}) -> {found.Id}, {SessionFormat.Count(found.RequestCount, "request")}, last access {SessionFormat.Time(found.LastAccessAt)}");

            await _store.RevokeAsync(found.Id, Operator, Reason, cancellationToken);
            var revoked = Stopwatch.GetTimestamp();
            server.Resume();
            Log($"{Operator} revokes session {found.Id}: \"{Reason}\"");
            return (halfServed, revoked);
        }
        finally
        {
            // Never leave a worker waiting, even when the operator's part failed.
            server.Resume();
        }
    }

    private async Task<List<ServerSession>> StartOtherServersAsync(string run, CancellationToken cancellationToken)
    {
        var sessions = new List<ServerSession>();
        foreach (var (user, profile, instance, touches) in new[] { ("bob", "billing-read", $"cred-server-{run}-b", 3), ("carol", "analytics", $"cred-server-{run}-c", 5) })
        {
            var session = await _store.CreateAsync(ServerSession.Start(user, profile, instance, string.Empty, SessionDuration, _time.GetUtcNow()), cancellationToken);
            for (var i = 0; i < touches; i++)
            {
                await _store.TouchAsync(session.Id, cancellationToken);
            }

            sessions.Add(session);
        }

        Log($"other credential servers are running: {string.Join(", ", sessions.Select(s => $"{s.User} on {s.ServerInstanceId}"))}");
        return sessions;
    }

    private async Task ShowActiveSessionsAsync(string title, CancellationToken cancellationToken)
    {
        var page = await _store.ListByStatusAsync(SessionStatus.Active, new PageRequest(ShownSessions), cancellationToken);
        _out.WriteLine();
        _out.WriteLine(_style.Bold(title));
        SessionView.WriteTable(_out, _style, page.Items, "  ");
        if (page.HasMore)
        {
            _out.WriteLine($"  (the {ShownSessions} newest; more follow)");
        }

        _out.WriteLine();
    }

    private void WriteWorkers(WorkerResult[] workers, long revoked)
    {
        var table = new TextTable(">WORKER", ">SERVED", "STOPPED BY", ">AFTER REVOKE");
        foreach (var worker in workers)
        {
            table.Add(
                worker.Worker.ToString(CultureInfo.InvariantCulture),
                SessionFormat.Count(worker.Served),
                worker.StoppedBy?.GetType().Name ?? "no more requests",
                SessionFormat.Duration(Stopwatch.GetElapsedTime(revoked, Math.Max(worker.StoppedAt, revoked))));
        }

        _out.WriteLine();
        _out.WriteLine(_style.Bold("Workers (each stops on its first refused Touch)"));
        table.Write(_out, _style, "  ");
    }

    private void WriteFigures(DemoFigures figures, ServerSession final, WorkerResult[] workers)
    {
        var refused = workers.Count(w => w.StoppedBy is not null);
        var unserved = _settings.Requests - figures.Served - refused;
        _out.WriteLine(_style.Bold("Figures"));
        var rows = new (string Name, string Value)[]
        {
            ("requests sent", SessionFormat.Count(_settings.Requests)),
            ("requests served", $"{SessionFormat.Count(figures.Served)} (stored RequestCount: {SessionFormat.Count(final.RequestCount)})"),
            ("requests refused", $"{SessionFormat.Count(refused)} (each worker's first Touch after the revocation)"),
            ("requests left unserved", $"{SessionFormat.Count(unserved)} (sent after every worker had stopped)"),
            ("touches per second", $"{SessionFormat.Rate(figures.TouchesPerSecond)} ({SessionFormat.Count(_settings.Workers, "worker")})"),
            ("Touch latency p50", SessionFormat.Duration(figures.TouchP50)),
            ("Touch latency p99", SessionFormat.Duration(figures.TouchP99)),
            ("revoke to last worker stopped", SessionFormat.Duration(figures.RevokeToLastStop)),
        };
        var width = rows.Max(r => r.Name.Length);
        foreach (var (name, value) in rows)
        {
            _out.WriteLine($"  {name.PadRight(width)}  {value}");
        }

        _out.WriteLine();
    }

    private int Verdict(WorkerResult[] workers, DemoFigures figures, ServerSession final)
    {
        var problems = new List<string>();
        if (workers.FirstOrDefault(w => w.StoppedBy is not SessionRevokedException) is { } missed)
        {
            problems.Add($"worker {missed.Worker} stopped on {missed.StoppedBy?.GetType().Name ?? "no more requests"}, not on the revocation");
        }

        if (figures.Served != final.RequestCount)
        {
            problems.Add($"{figures.Served} requests were served but the store counted {final.RequestCount}");
        }

        if (final.Status != SessionStatus.Revoked)
        {
            problems.Add($"the session ended {final.Status}, not revoked");
        }

        if (problems.Count > 0)
        {
            _error.WriteLine($"error: the demo failed: {string.Join("; ", problems)}.");
            return ExitCodes.Refused;
        }

        _out.WriteLine(_style.Green($"Done: the revocation stopped {(workers.Length == 1 ? "the worker" : $"all {workers.Length} workers")}, and every request served was counted."));
        return ExitCodes.Success;
    }

    /// <summary>Waits for a milestone, or for the workers to fail before reaching it (their error then surfaces).</summary>
    private static async Task<T> UntilAsync<T>(Task<T> milestone, Task serving)
    {
        await UntilAsync((Task)milestone, serving);
        return await milestone;
    }

    private static async Task UntilAsync(Task milestone, Task serving)
    {
        if (await Task.WhenAny(milestone, serving) == serving && !milestone.IsCompleted)
        {
            await serving;
            throw new InvalidOperationException("The workers stopped before the demo reached its milestone.");
        }
    }

    private void Log(string text)
    {
        var elapsed = Stopwatch.GetElapsedTime(_started).TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture);
        _out.WriteLine(_style.Dim($"{("+" + elapsed + " ms").PadLeft(12)}") + "  " + text);
    }
}
