using System.Diagnostics;
using System.Globalization;

namespace Sessions.Cli.Output;

/// <summary>
/// A one-line progress indicator on standard error, redrawn in place, shown only when standard error is a terminal;
/// it writes nothing otherwise, so pipes, logs and <c>--json</c> output stay clean. Dispose it to erase the line.
/// </summary>
internal sealed class ProgressLine : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(150);

    private readonly TextWriter? _writer;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _ticker;
    private volatile string _text;

    public ProgressLine(CliConsole console, string text)
    {
        _text = text;
        _writer = console.ErrorIsTerminal ? console.Error : null;
        _ticker = _writer is null ? Task.CompletedTask : TickAsync(_stop.Token);
    }

    /// <summary>Replaces the text shown; the elapsed time follows it.</summary>
    public void Report(string text) => _text = text;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _ticker;
        _stop.Dispose();
        if (_writer is not null)
        {
            await _writer.WriteAsync("\r\u001b[2K");
            await _writer.FlushAsync();
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                var elapsed = Stopwatch.GetElapsedTime(_started);
                await _writer!.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"\r\u001b[2K{_text} ({elapsed.TotalSeconds:0.0} s)"));
                await _writer.FlushAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Disposed: the owner erases the line.
        }
    }
}
