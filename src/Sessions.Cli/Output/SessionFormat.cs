using System.Globalization;
using Sessions.Diagnostics;

namespace Sessions.Cli.Output;

/// <summary>How values read on a terminal and in a log: UTC times to the second, grouped counts, short durations.</summary>
internal static class SessionFormat
{
    public static string Status(SessionStatus status) => status.ToStorageString();

    /// <summary>A UTC time to the second, for example <c>2026-01-20 02:19:09Z</c>.</summary>
    public static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A count with thousands separators, for example <c>12,345</c>.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A count and its noun, singular or plural: <c>1 request</c>, <c>2,000 requests</c>.</summary>
    public static string Count(long value, string noun) => $"{Count(value)} {noun}{(value == 1 ? string.Empty : "s")}";

    /// <summary>A duration in the unit that reads best: <c>850 ns</c>, <c>12.4 µs</c>, <c>3.1 ms</c>, <c>1.25 s</c>.</summary>
    public static string Duration(TimeSpan value)
    {
        var ns = value.Ticks * 100.0;
        return ns switch
        {
            < 1_000 => $"{ns.ToString("0", CultureInfo.InvariantCulture)} ns",
            < 1_000_000 => $"{(ns / 1_000).ToString("0.0", CultureInfo.InvariantCulture)} µs",
            < 1_000_000_000 => $"{(ns / 1_000_000).ToString("0.00", CultureInfo.InvariantCulture)} ms",
            _ => $"{value.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s",
        };
    }

    /// <summary>A rate per second, for example <c>1,234,567/s</c>.</summary>
    public static string Rate(double perSecond) =>
        $"{perSecond.ToString("N0", CultureInfo.InvariantCulture)}/s";

    /// <summary>Stored or caller text, control characters escaped visibly; empty shows as <c>-</c>.</summary>
    public static string Text(string? value) => string.IsNullOrEmpty(value) ? "-" : VisibleText.Escape(value);

    /// <summary>Stored or caller text in quotes, control characters escaped visibly: <c>'alice'</c>.</summary>
    public static string Quoted(string? value) => $"'{VisibleText.Escape(value)}'";
}
