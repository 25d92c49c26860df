using System.Net.Sockets;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Sessions.Cli.Errors;
using Sessions.Cli.Output;

namespace Sessions.Cli.Watch;

/// <summary>
/// <c>sessions watch</c>: refreshes the active sessions every <c>interval</c> on the given clock until canceled (Ctrl-C),
/// and shows each refresh. Standard output is flushed once per refresh. A refresh the store does not answer (a refused
/// connection, throttling, a timeout: a <see cref="SessionStoreException"/> or a network fault) is shown as an outage and
/// tried again after a <see cref="ReconnectBackoff"/> wait; the first refresh that succeeds goes back to the interval.
/// Only a missing table before any refresh succeeded ends the watch (exit 3), as it ends every other command. The
/// terminal is restored however it ends.
/// </summary>
internal sealed class SessionWatch(ISessionStore store, TimeProvider time, Random random, CliConsole console, string table, TimeSpan interval)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var tracker = new SessionTracker(store, time);
        var backoff = new ReconnectBackoff(interval, random);
        var answered = false;
        WatchView view = console.OutIsTerminal
            ? new TerminalWatchView(console.Out, console.Style, table, interval, console.WindowHeight)
            : new PlainWatchView(console.Out, table, interval);

        // Created before the refresh it paces: a tick that comes while a refresh runs is kept, never lost.
        var timer = new PeriodicTimer(interval, time);
        view.Begin();
        try
        {
            while (true)
            {
                WatchFrame frame;
                try
                {
                    frame = await tracker.RefreshAsync(cancellationToken);
                }
                catch (Exception ex) when (IsOutage(ex, answered, cancellationToken))
                {
                    // The wait starts before the outage is shown, so a clock that moves on as soon as it is shown still ends it.
                    var delay = backoff.NextDelay();
                    var wait = Task.Delay(delay, time, cancellationToken);
                    view.ShowOutage(new WatchOutage(time.GetUtcNow(), Cause(ex), backoff.Failures, delay));
                    console.Out.Flush();
                    await wait;

                    // The next attempt starts the interval afresh: no tick that fell due during the outage is kept.
                    timer.Dispose();
                    timer = new PeriodicTimer(interval, time);
                    continue;
                }

                answered = true;
                backoff.Reset();
                view.Show(frame);
                console.Out.Flush();
                await timer.WaitForNextTickAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C is how a watch ends.
        }
        finally
        {
            timer.Dispose();
            view.End();
            console.Out.Flush();
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is a store or network fault to wait out, rather than the end of the watch:
    /// every one except Ctrl-C, a defect of the tool, and a missing table before the store ever answered.
    /// </summary>
    private static bool IsOutage(Exception exception, bool answered, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => false,
        SessionStoreException { InnerException: ResourceNotFoundException } or ResourceNotFoundException => answered,
        SessionStoreException or AmazonServiceException or AmazonClientException or HttpRequestException or SocketException
            or IOException or TimeoutException or OperationCanceledException => true,
        _ => false,
    };

    private string Cause(Exception exception) => exception is OperationCanceledException
        ? $"the store did not answer in time ({ErrorReporter.OneLine(exception.Message)})"
        : ErrorReporter.OneLine(ErrorReporter.Describe(exception, "watch", table).Message);
}
