using System.Buffers;
using System.Globalization;
using System.Text;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// Makes client-supplied or stored text safe for a log line or an error message, in the scheme of the library and the
/// <c>sessions</c> tool: tab, line feed, carriage return and ESC read <c>\t</c>, <c>\n</c>, <c>\r</c>, <c>\e</c>; other
/// C0 controls and DEL <c>\xHH</c>; C1 controls, the line and paragraph separators, every format character (Unicode
/// category Cf: bidirectional controls, zero-width characters, the byte order mark, …) and unpaired surrogates
/// <c>\uXXXX</c>; format characters beyond the Basic Multilingual Plane (tag characters) <c>\UXXXXXXXX</c>. Everything
/// else, backslashes and emoji included, is kept as written.
/// </summary>
internal static class EscapedText
{
    private static readonly SearchValues<char> s_suspects = SearchValues.Create(SuspectCharacters());

    /// <summary>Returns <paramref name="text"/> with every control and format character escaped, at most <paramref name="maxLength"/> characters of it.</summary>
    /// <param name="text">The text; <see langword="null"/> reads as empty.</param>
    /// <param name="maxLength">How many characters of the text to keep; the rest is replaced by <c>…</c>.</param>
    public static string Of(string? text, int maxLength = 1024)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var kept = text.Length <= maxLength ? text : text[..maxLength];
        var cut = ReferenceEquals(kept, text) ? string.Empty : "…";
        var first = kept.AsSpan().IndexOfAny(s_suspects);
        if (first < 0)
        {
            return kept + cut;
        }

        var builder = new StringBuilder(kept.Length + 16).Append(kept, 0, first);
        for (var i = first; i < kept.Length; i++)
        {
            var c = kept[i];
            if (char.IsHighSurrogate(c) && i + 1 < kept.Length && char.IsLowSurrogate(kept[i + 1]))
            {
                var codePoint = char.ConvertToUtf32(c, kept[++i]);
                _ = CharUnicodeInfo.GetUnicodeCategory(codePoint) == UnicodeCategory.Format
                    ? builder.Append(CultureInfo.InvariantCulture, $"\\U{codePoint:x8}")
                    : builder.Append(c).Append(kept[i]);
                continue;
            }

            _ = c switch
            {
                '\t' => builder.Append(@"\t"),
                '\n' => builder.Append(@"\n"),
                '\r' => builder.Append(@"\r"),
                '\u001b' => builder.Append(@"\e"),
                < '\u0020' or '\u007f' => builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ when IsEscapedAsU(c) => builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => builder.Append(c),
            };
        }

        return builder.Append(cut).ToString();
    }

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
