using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Sessions.Cli.Errors;

namespace Sessions.Cli.CommandLine;

/// <summary>Shared arguments and value rules: session ids, choices, numbers, times.</summary>
internal static class CommandLineValues
{
    public static Argument<string> SessionIdArgument(string description)
    {
        var argument = new Argument<string>("id") { Description = description };
        argument.Validators.Add(static result =>
        {
            var id = result.GetValueOrDefault<string>();
            if (!SessionId.IsValid(id))
            {
                result.AddError($"'{id}' is not a session id: an id is {SessionId.Length} lowercase hex characters, for example 3f9c0a1b2c3d4e5f.");
            }
        });
        return argument;
    }

    /// <summary>
    /// Accepts only <paramref name="values"/> for <paramref name="option"/>, with a one-line error that names the option
    /// (System.CommandLine's own message spreads the choices over several lines).
    /// </summary>
    public static void AcceptOnly(Option<string?> option, params string[] values)
    {
        option.CompletionSources.Add(values);
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !values.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"{option.Name} must be {string.Join(", ", values[..^1])} or {values[^1]} (got '{value}').");
            }
        });
    }

    /// <summary>
    /// Parses a whole number from 1 to <paramref name="max"/>; anything else is a parse error saying that
    /// <paramref name="option"/> must be <paramref name="what"/> from 1 to <paramref name="max"/>.
    /// </summary>
    public static Func<ArgumentResult, int> NumberFromOneTo(int max, string option, string what) => NumberFromTo(1, max, option, what);

    /// <summary>
    /// Parses a whole number from <paramref name="min"/> to <paramref name="max"/>; anything else is a parse error saying
    /// that <paramref name="option"/> must be <paramref name="what"/> from <paramref name="min"/> to <paramref name="max"/>.
    /// </summary>
    public static Func<ArgumentResult, int> NumberFromTo(int min, int max, string option, string what) => result =>
    {
        var text = result.Tokens.Single().Value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError($"{option} must be {what} from {min} to {max} (got '{text}').");
        return 0;
    };

    public static Option<bool> JsonOption() => new("--json")
    {
        Description = "Write JSON for scripts instead of a table.",
    };

    /// <summary>
    /// Parses a time bound: ISO 8601 (<c>2026-01-20T02:00:00Z</c>, <c>2026-01-20</c>; UTC unless an offset is given) or an
    /// age before <paramref name="now"/> (<c>45s</c>, <c>30m</c>, <c>2h</c>, <c>7d</c>). An age that reaches back before
    /// the year 1 is a <see cref="UsageException"/>, not an overflow.
    /// </summary>
    public static DateTimeOffset ParseTime(string option, string text, DateTimeOffset now)
    {
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            var unit = text[^1] switch
            {
                's' => TimeSpan.TicksPerSecond,
                'm' => TimeSpan.TicksPerMinute,
                'h' => TimeSpan.TicksPerHour,
                'd' => TimeSpan.TicksPerDay,
                _ => 0,
            };
            if (unit > 0)
            {
                var utcNow = now.ToUniversalTime();
                if (amount > (utcNow.UtcTicks - DateTimeOffset.MinValue.UtcTicks) / unit)
                {
                    throw new UsageException($"{option} '{text}' reaches back before the year 1: use a shorter age or a date");
                }

                return utcNow - TimeSpan.FromTicks(amount * unit);
            }
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        throw new UsageException($"{option} '{text}' is not a time: use ISO 8601 (2026-01-20T02:00:00Z, 2026-01-20) or an age such as 30m, 2h, 7d");
    }
}
