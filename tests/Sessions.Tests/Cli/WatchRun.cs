using System.Text.RegularExpressions;
using Sessions.Cli.Output;

namespace Sessions.Tests.Cli;

/// <summary>
/// A <c>sessions watch</c> running in the background on a <see cref="CliHarness"/>'s fake clock and a console whose
/// standard output signals each flush: a test advances the clock and waits for the next refresh (no sleeps).
/// </summary>
internal sealed class WatchRun : IAsyncDisposable
{
    private readonly FlushSignalingWriter _out = new();
    private readonly StringWriter _error = new();
    private readonly CancellationTokenSource _ctrlC = new();
    private readonly CliHarness _cli;
    private int _read;

    private WatchRun(CliHarness cli, bool terminal, int? windowHeight)
    {
        _cli = cli;
        var console = new CliConsole(_out, _error, OutIsTerminal: terminal, ErrorIsTerminal: false)
        {
            WindowHeight = windowHeight is { } height ? () => height : null,
        };
        Completion = Task.Run(() => cli.RunOnAsync(console, _ctrlC.Token, "watch", "--table", CliHarness.Table, "--interval", "5"));
    }

    public Task<int> Completion { get; }

    public string Output => _out.ToString();

    public string Error => _error.ToString();

    public static WatchRun Start(CliHarness cli, bool terminal, int? windowHeight = null) => new(cli, terminal, windowHeight);

    /// <summary>The table row of a session in a terminal frame, without the line-clearing code, or null.</summary>
    public static string? Row(string frame, string id) =>
        frame.Split('\n').FirstOrDefault(line => line.StartsWith(id, StringComparison.Ordinal))?.Replace("\u001b[K", string.Empty, StringComparison.Ordinal);

    /// <summary>The lines of a terminal frame without the codes the view writes itself.</summary>
    public static string[] Lines(string frame) => StripOwnSequences(frame).Split('\n');

    /// <summary>Removes the escape codes the terminal view writes itself: screen switch, cursor, clearing, styles.</summary>
    public static string StripOwnSequences(string text) =>
        Regex.Replace(text, @"\u001b\[(\?1049[hl]|\?25[hl]|H|K|J|[0-9;]*m)", string.Empty);

    /// <summary>Waits for the next refresh (or outage) to be flushed and returns what it wrote.</summary>
    public async Task<string> NextFrameAsync()
    {
        var flushed = await Task.WhenAny(_out.Flushed.WaitAsync(), Completion).WaitAsync(TimeSpan.FromSeconds(30));
        if (flushed == Completion)
        {
            throw new InvalidOperationException($"The watch ended (exit {await Completion}): {Error}");
        }

        var all = _out.ToString();
        var frame = all[_read..];
        _read = all.Length;
        return frame;
    }

    /// <summary>Advances the clock by <paramref name="by"/>, which lets exactly one refresh (or retry) through, and returns it.</summary>
    public Task<string> AdvanceAsync(TimeSpan by)
    {
        _cli.Time.Advance(by);
        return NextFrameAsync();
    }

    /// <summary>Cancels the watch as Ctrl-C does and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _ctrlC.CancelAsync();
        return await Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await _ctrlC.CancelAsync();
        await Completion.WaitAsync(TimeSpan.FromSeconds(30));
        _ctrlC.Dispose();
        _out.Dispose();
        _error.Dispose();
    }

    private sealed class FlushSignalingWriter : StringWriter
    {
        public SemaphoreSlim Flushed { get; } = new(0);

        public override void Flush()
        {
            base.Flush();
            Flushed.Release();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Flushed.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
