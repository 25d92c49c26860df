using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Sessions;

/// <summary>
/// The stored form of timestamps: fixed-width UTC ISO-8601 with seven fractional digits
/// (<c>2026-01-20T02:19:09.0000000Z</c>), so that string order is time order. Reading also accepts RFC 3339 with
/// 0–9 fractional digits and any offset, as written by other tools (for example Go's RFC3339Nano).
/// </summary>
internal static class SessionTimestamp
{
    /// <summary>The length of every formatted timestamp.</summary>
    public const int Length = 28;

    private const string Pattern = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";

    /// <summary>
    /// The largest offset from UTC the reader accepts, either way: 14 hours, the furthest any time zone is (Kiribati, +14:00;
    /// the furthest west is −12:00). <see cref="KeyRange"/> reaches exactly this far, so every time the reader accepts lies
    /// in the range a time-range list reads.
    /// </summary>
    public const int MaxOffsetMinutes = 14 * 60;

    public static string Format(DateTimeOffset value) =>
        string.Create(Length, value.UtcDateTime, static (span, utc) =>
            utc.TryFormat(span, out _, Pattern, CultureInfo.InvariantCulture));

    public static bool TryFormat(DateTimeOffset value, Span<char> destination) =>
        value.UtcDateTime.TryFormat(destination, out var written, Pattern, CultureInfo.InvariantCulture) && written == Length;

    /// <summary>
    /// Whether <paramref name="value"/> is in the stored form exactly (as <see cref="Format"/> writes it), the only form
    /// whose string order is time order.
    /// </summary>
    public static bool IsCanonical([NotNullWhen(true)] string? value)
    {
        Span<char> canonical = stackalloc char[Length];
        return value is { Length: Length }
            && TryParse(value, out var parsed)
            && TryFormat(parsed, canonical)
            && canonical.SequenceEqual(value);
    }

    /// <summary>
    /// The string bounds (inclusive) of an index key range that holds every stored <c>created_at</c> whose true instant
    /// lies in [<paramref name="from"/>, <paramref name="before"/>), in any form the reader accepts: the stored form
    /// lies within it, an offset shifts the written clock time by up to 14 hours, and a lower-case <c>t</c> sorts after
    /// every upper-case <c>T</c> of the same day, so the upper bound is the end of the day 14 hours past the range.
    /// Items the range holds beyond the true one are dropped by their true instant.
    /// </summary>
    public static (string Low, string High) KeyRange(DateTimeOffset from, DateTimeOffset before)
    {
        var reach = TimeSpan.FromMinutes(MaxOffsetMinutes) + TimeSpan.FromSeconds(1);
        var low = from.UtcDateTime < DateTime.MinValue + reach ? DateTimeOffset.MinValue : from - reach;
        var high = before.UtcDateTime > DateTime.MaxValue - reach ? DateTimeOffset.MaxValue : before + reach;

        // "u" follows both "T" and "t": every form of that day sorts before it.
        return (Format(low), high.UtcDateTime.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture) + "u");
    }

    public static DateTimeOffset Parse(string value) =>
        TryParse(value, out var result) ? result : throw new FormatException($"'{value}' is not an RFC 3339 timestamp.");

    /// <summary>Parses <c>yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:MM)</c> with an offset of at most ±14:00; digits past the seventh are truncated.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out DateTimeOffset result) =>
        TryParse(value.AsSpan(), out result) && value is not null;

    public static bool TryParse(ReadOnlySpan<char> s, out DateTimeOffset result)
    {
        result = default;
        if (s.Length < 20
            || !TryDigits(s, 0, 4, out var year) || s[4] != '-'
            || !TryDigits(s, 5, 2, out var month) || s[7] != '-'
            || !TryDigits(s, 8, 2, out var day) || (s[10] != 'T' && s[10] != 't')
            || !TryDigits(s, 11, 2, out var hour) || s[13] != ':'
            || !TryDigits(s, 14, 2, out var minute) || s[16] != ':'
            || !TryDigits(s, 17, 2, out var second))
        {
            return false;
        }

        var i = 19;
        long fractionTicks = 0;
        if (s[i] == '.')
        {
            i++;
            var start = i;
            var scale = (long)TimeSpan.TicksPerSecond;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (i - start >= 9)
                {
                    return false;
                }

                scale /= 10;
                fractionTicks += (s[i] - '0') * scale;
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        TimeSpan offset;
        if (i == s.Length - 1 && (s[i] == 'Z' || s[i] == 'z'))
        {
            offset = TimeSpan.Zero;
        }
        else if (i == s.Length - 6 && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':'
            && TryDigits(s, i + 1, 2, out var offsetHours) && TryDigits(s, i + 4, 2, out var offsetMinutes)
            && offsetMinutes < 60 && (offsetHours * 60) + offsetMinutes <= MaxOffsetMinutes)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (s[i] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks - offset.Ticks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        result = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = s[i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
