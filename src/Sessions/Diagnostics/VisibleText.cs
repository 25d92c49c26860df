using System.Buffers;
using System.Globalization;
using System.Text;

namespace Sessions.Diagnostics;

/// <summary>
/// Makes stored or caller text safe to put in a message, a log line or a terminal: every character that could move the
/// cursor, end a line, recolour or hide text, or reorder what a reader sees is replaced by a visible escape.
/// </summary>
/// <remarks>
/// <para>The scheme, the same in exception messages, log messages and every output of the <c>sessions</c> tool:</para>
/// <list type="bullet">
/// <item><description>tab, line feed, carriage return and ESC read <c>\t</c>, <c>\n</c>, <c>\r</c> and <c>\e</c>;</description></item>
/// <item><description>the other C0 controls and DEL read <c>\xHH</c> (for example <c>\x00</c>, <c>\x7f</c>);</description></item>
/// <item><description>
/// C1 controls (U+0080–U+009F), the line and paragraph separators (U+2028, U+2029), the bidirectional controls
/// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and unpaired surrogates read <c>\uXXXX</c>.
/// </description></item>
/// </list>
/// <para>
/// A backslash is kept as it is, so escaping is idempotent (text escaped twice reads the same as text escaped once)
/// and names such as <c>CORP\alice</c> read naturally; the price is that a value holding a literal <c>\n</c> reads
/// like one holding a line feed. Where the exact value matters, read it as JSON.
/// </para>
/// </remarks>
public static class VisibleText
{
    private static readonly SearchValues<char> Suspects = SearchValues.Create(SuspectCharacters());

    /// <summary>Returns <paramref name="text"/> with every control character escaped; the same instance when there is none.</summary>
    /// <param name="text">Stored or caller text; <see langword="null"/> reads as empty.</param>
    public static string Escape(string? text) => Escape(text, keepLineBreaks: false);

    /// <summary>Returns <paramref name="text"/> escaped, optionally keeping carriage returns and line feeds as they are (for a quoted CSV field).</summary>
    /// <param name="text">Stored or caller text; <see langword="null"/> reads as empty.</param>
    /// <param name="keepLineBreaks">Whether CR and LF pass through unchanged.</param>
    public static string Escape(string? text, bool keepLineBreaks)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var first = text.AsSpan().IndexOfAny(Suspects);
        if (first < 0)
        {
            return text;
        }

        StringBuilder? builder = null;
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            var escape = EscapeOf(c, keepLineBreaks);
            if (escape is null)
            {
                builder?.Append(c);
                continue;
            }

            builder ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            builder.Append(escape);
        }

        return builder?.ToString() ?? text;
    }

    private static string? EscapeOf(char c, bool keepLineBreaks) => c switch
    {
        '\n' or '\r' when keepLineBreaks => null,
        '\t' => @"\t",
        '\n' => @"\n",
        '\r' => @"\r",
        '\u001b' => @"\e",
        < '\u0020' or '\u007f' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
        (>= '\u0080' and <= '\u009f') or '\u061c' or '\u200e' or '\u200f' or (>= '\u2028' and <= '\u202e') or (>= '\u2066' and <= '\u2069')
            or (>= '\ud800' and <= '\udfff') => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
        _ => null,
    };

    private static string SuspectCharacters()
    {
        var suspects = new StringBuilder();
        for (var c = '\u0000'; c < '\u0020'; c++)
        {
            suspects.Append(c);
        }

        for (var c = '\u007f'; c <= '\u009f'; c++)
        {
            suspects.Append(c);
        }

        suspects.Append('\u061c').Append('\u200e').Append('\u200f');
        for (var c = '\u2028'; c <= '\u202e'; c++)
        {
            suspects.Append(c);
        }

        for (var c = '\u2066'; c <= '\u2069'; c++)
        {
            suspects.Append(c);
        }

        for (var c = '\ud800'; c <= '\udfff'; c++)
        {
            suspects.Append(c);
        }

        return suspects.ToString();
    }
}
