using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Sessions.Cli.Errors;

namespace Sessions.Cli.Commands;

/// <summary>Shared arguments and value rules: session ids, operator names, times.</summary>
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

    public static Option<string> RevokedByOption() => new("--by")
    {
        Description = "Who revokes: an operator's name or e-mail, recorded on the session.",
        HelpName = "operator",
        Required = true,
    };

    public static Option<string> ReasonOption() => new("--reason")
    {
        Description = "Why, recorded on the session.",
        HelpName = "text",
        DefaultValueFactory = static _ => string.Empty,
    };

    public static Option<bool> JsonOption() => new("--json")
    {
        Description = "Write JSON for scripts instead of a table.",
    };

    /// <summary>
    /// Parses a time bound: ISO 8601 (<c>2026-01-20T02:00:00Z</c>, <c>2026-01-20</c>; UTC unless an offset is given) or an
    /// age before <paramref name="now"/> (<c>45s</c>, <c>30m</c>, <c>2h</c>, <c>7d</c>).
    /// </summary>
    public static DateTimeOffset ParseTime(string option, string text, DateTimeOffset now)
    {
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? age = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (age is { } span)
            {
                return now - span;
            }
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        throw new UsageException($"{option} '{text}' is not a time: use ISO 8601 (2026-01-20T02:00:00Z, 2026-01-20) or an age such as 30m, 2h, 7d");
    }
}
