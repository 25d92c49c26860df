using System.Buffers;
using System.Globalization;
using System.Text;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// Makes client-supplied or stored text safe for a log line or an error message, in the scheme of the library and the
/// <c>sessions</c> tool: tab, line feed, carriage return and ESC read <c>\t</c>, <c>\n</c>, <c>\r</c>, <c>\e</c>; other
/// C0 controls and DEL <c>\xHH</c>; C1 controls, the line and paragraph separators, bidirectional controls and unpaired
/// surrogates <c>\uXXXX</c>. Everything else, backslashes included, is kept as written.
/// </summary>
internal static class EscapedText
{
    private static readonly SearchValues<char> s_suspects = SearchValues.Create(SuspectCharacters());

    /// <summary>Returns <paramref name="text"/> with every control character escaped, at most <paramref name="maxLength"/> characters of it.</summary>
    /// <param name="text">The text; <see langword="null"/> reads as empty.</param>
    /// <param name="maxLength">How many characters of the text to keep; the rest is replaced by <c>…</c>.</param>
    public static string Of(string? text, int maxLength = 1024)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var kept = text.Length <= maxLength ? text : text[..maxLength];
        var first = kept.AsSpan().IndexOfAny(s_suspects);
        if (first < 0)
        {
            return ReferenceEquals(kept, text) ? text : kept + "…";
        }

        var builder = new StringBuilder(kept.Length + 16).Append(kept, 0, first);
        for (var i = first; i < kept.Length; i++)
        {
            var c = kept[i];
            if (char.IsHighSurrogate(c) && i + 1 < kept.Length && char.IsLowSurrogate(kept[i + 1]))
            {
                builder.Append(c).Append(kept[++i]);
                continue;
            }

            var escape = c switch
            {
                '\t' => @"\t",
                '\n' => @"\n",
                '\r' => @"\r",
                '\u001b' => @"\e",
                < '\u0020' or '\u007f' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                (>= '\u0080' and <= '\u009f') or '\u061c' or '\u200e' or '\u200f' or (>= '\u2028' and <= '\u202e') or (>= '\u2066' and <= '\u2069')
                    or (>= '\ud800' and <= '\udfff') => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => null,
            };
            _ = escape is null ? builder.Append(c) : builder.Append(escape);
        }

        return ReferenceEquals(kept, text) ? builder.ToString() : builder.Append('…').ToString();
    }

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

        suspects.Append("\u061c\u200e\u200f");
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
