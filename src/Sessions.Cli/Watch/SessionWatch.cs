using Sessions.Cli.Errors;
using Sessions.Cli.Output;

namespace Sessions.Cli.Watch;

/// <summary>
/// <c>sessions watch</c>: refreshes the active sessions every <c>interval</c> on the given clock until canceled (Ctrl-C),
/// and shows each refresh. Standard output is flushed once per refresh. The terminal is restored however it ends.
/// </summary>
internal sealed class SessionWatch(ISessionStore store, TimeProvider time, CliConsole console, string table, TimeSpan interval)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var tracker = new SessionTracker(store, time);
        WatchView view = console.OutIsTerminal
            ? new TerminalWatchView(console.Out, console.Style, table, interval, console.WindowHeight)
            : new PlainWatchView(console.Out, table, interval);

        // Created before the first refresh: a tick that comes while a refresh runs is kept, never lost.
        using var timer = new PeriodicTimer(interval, time);
        view.Begin();
        try
        {
            do
            {
                view.Show(await tracker.RefreshAsync(cancellationToken));
                console.Out.Flush();
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C is how a watch ends.
        }
        finally
        {
            view.End();
            console.Out.Flush();
        }

        return ExitCodes.Success;
    }
}
