namespace Sessions.Cli.Output;

/// <summary>
/// Where a command writes, and whether each stream is a terminal. Styles (ANSI) and progress lines are written to a
/// terminal only, so logs and pipes get plain text.
/// </summary>
/// <param name="Out">Standard output: results.</param>
/// <param name="Error">Standard error: errors and progress.</param>
/// <param name="OutIsTerminal">Whether standard output is an interactive terminal that understands ANSI styles.</param>
/// <param name="ErrorIsTerminal">Whether standard error is an interactive terminal.</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool OutIsTerminal = false, bool ErrorIsTerminal = false)
{
    /// <summary>Gets the process's console, with terminal detection that honours redirection, <c>NO_COLOR</c> and <c>TERM=dumb</c>.</summary>
    public static CliConsole System
    {
        get
        {
            var plain = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 }
                || string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);
            return new CliConsole(Console.Out, Console.Error, !plain && !Console.IsOutputRedirected, !plain && !Console.IsErrorRedirected)
            {
                WindowHeight = static () => Console.WindowHeight,
            };
        }
    }

    /// <summary>Gets the height of the terminal in lines, asked anew each time (it can be resized); <see langword="null"/> when unknown.</summary>
    public Func<int>? WindowHeight { get; init; }

    /// <summary>Gets the styles for standard output: ANSI on a terminal, none otherwise.</summary>
    public Style Style => OutIsTerminal ? Style.Ansi : Style.Plain;
}
