using Sessions.Diagnostics;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// Makes client-supplied or stored text safe for a log line or an error message, cut to a length: the library's scheme
/// (<see cref="VisibleText"/>), in which control and format characters read as visible escapes (<c>\n</c>, <c>\e</c>,
/// <c>\u200b</c>, <c>\U000e0041</c>, …).
/// </summary>
internal static class EscapedText
{
    /// <summary>Returns <paramref name="text"/> with every control and format character escaped, at most <paramref name="maxLength"/> characters of it.</summary>
    /// <param name="text">The text; <see langword="null"/> reads as empty.</param>
    /// <param name="maxLength">How many characters of the text to keep; the rest is replaced by <c>…</c>.</param>
    public static string Of(string? text, int maxLength = 1024)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // Never cut a surrogate pair in two: the escape would then show half a character.
        var cut = text.Length <= maxLength ? text.Length : char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        var escaped = VisibleText.Escape(text[..cut]);
        return cut < text.Length ? escaped + "…" : escaped;
    }
}
