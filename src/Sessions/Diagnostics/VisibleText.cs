using System.Buffers;
using System.Globalization;
using System.Text;

namespace Sessions.Diagnostics;

/// <summary>
/// Makes stored or caller text safe to put in a message, a log line or a terminal: every character that could move the
/// cursor, end a line, recolour or hide text, reorder what a reader sees or not be seen at all is replaced by a visible
/// escape.
/// </summary>
/// <remarks>
/// <para>The scheme, the same in exception messages, log messages and every output of the <c>sessions</c> tool:</para>
/// <list type="bullet">
/// <item><description>tab, line feed, carriage return and ESC read <c>\t</c>, <c>\n</c>, <c>\r</c> and <c>\e</c>;</description></item>
/// <item><description>the other C0 controls and DEL read <c>\xHH</c> (for example <c>\x00</c>, <c>\x7f</c>);</description></item>
/// <item><description>
/// C1 controls (U+0080–U+009F), the line and paragraph separators (U+2028, U+2029), every format character (Unicode
/// general category Cf: the bidirectional controls U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, the soft
/// hyphen U+00AD, the zero-width space, non-joiner and joiner U+200B–U+200D, the word joiner U+2060, the byte order
/// mark U+FEFF, …) and unpaired surrogates read <c>\uXXXX</c> (for example <c>\u202e</c>, <c>\u200b</c>);
/// </description></item>
/// <item><description>
/// format characters beyond the Basic Multilingual Plane (the tag characters U+E0000–U+E007F, …), which a string holds
/// as a surrogate pair, read <c>\UXXXXXXXX</c> (for example <c>\U000e0041</c>); other pairs, such as emoji, are kept.
/// </description></item>
/// </list>
/// <para>
/// Hex digits are lower case. Which characters are format characters follows the Unicode data of the .NET runtime.
/// A backslash is kept as it is, so escaping is idempotent (text escaped twice reads the same as text escaped once)
/// and names such as <c>CORP\alice</c> read naturally; the price is that a value holding a literal <c>\n</c> reads
/// like one holding a line feed. Where the exact value matters, read it as JSON.
/// </para>
/// </remarks>
public static class VisibleText
{
    private static readonly SearchValues<char> Suspects = SearchValues.Create(SuspectCharacters());

    /// <summary>Returns <paramref name="text"/> with every control and format character escaped; the same instance when there is none.</summary>
    /// <param name="text">Stored or caller text; <see langword="null"/> reads as empty.</param>
    public static string Escape(string? text) => Escape(text, keepLineBreaks: false);

    /// <summary>Returns <paramref name="text"/> escaped, optionally keeping carriage returns and line feeds as they are (for a quoted CSV field).</summary>
    /// <param name="text">Stored or caller text; <see langword="null"/> reads as empty.</param>
    /// <param name="keepLineBreaks">Whether CR and LF pass through unchanged.</param>
    public static string Escape(string? text, bool keepLineBreaks) => Rewrite(text, keepLineBreaks, drop: false);

    /// <summary>
    /// Returns <paramref name="text"/> without the characters <see cref="Escape(string?)"/> escapes: what a screen that
    /// hides control and format characters shows. Two texts with the same visible form look alike there (for example
    /// <c>alice</c>, <c>alice</c> + U+200B and <c>alice</c> + U+E0041); the same instance when there is nothing to drop.
    /// </summary>
    /// <param name="text">Stored or caller text; <see langword="null"/> reads as empty.</param>
    public static string VisibleForm(string? text) => Rewrite(text, keepLineBreaks: false, drop: true);

    private static string Rewrite(string? text, bool keepLineBreaks, bool drop)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // The common case, text without a suspect, is one vectorized search and no allocation.
        var first = text.AsSpan().IndexOfAny(Suspects);
        if (first < 0)
        {
            return text;
        }

        StringBuilder? builder = null;
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            string? escape;
            var length = 1;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                length = 2;
                escape = EscapeOf(char.ConvertToUtf32(c, text[i + 1]));
            }
            else
            {
                escape = EscapeOf(c, keepLineBreaks);
            }

            if (escape is null)
            {
                builder?.Append(text, i, length);
            }
            else
            {
                builder ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
                if (!drop)
                {
                    builder.Append(escape);
                }
            }

            i += length - 1;
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
        _ when IsEscapedAsU(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
        _ => null,
    };

    /// <summary>The escape of a code point beyond the Basic Multilingual Plane: only format characters have one.</summary>
    private static string? EscapeOf(int codePoint) =>
        CharUnicodeInfo.GetUnicodeCategory(codePoint) == UnicodeCategory.Format
            ? string.Create(CultureInfo.InvariantCulture, $"\\U{codePoint:x8}")
            : null;

    /// <summary>C1 controls, the line and paragraph separators, format characters (Cf) and surrogates (only unpaired ones get here).</summary>
    private static bool IsEscapedAsU(char c) =>
        c is (>= '\u0080' and <= '\u009f') or '\u2028' or '\u2029' or (>= '\ud800' and <= '\udfff')
        || char.GetUnicodeCategory(c) == UnicodeCategory.Format;

    /// <summary>Every UTF-16 unit that may start an escape: controls, DEL, the characters of <see cref="IsEscapedAsU"/>, every surrogate.</summary>
    private static string SuspectCharacters()
    {
        var suspects = new StringBuilder();
        for (var c = '\u0000'; c < '\uffff'; c++)
        {
            if (c is < '\u0020' or '\u007f' || IsEscapedAsU(c))
            {
                suspects.Append(c);
            }
        }

        return suspects.ToString();
    }
}
