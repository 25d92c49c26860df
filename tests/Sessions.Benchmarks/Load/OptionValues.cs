using System.Globalization;
using Sessions.TestSupport.Servers;

namespace Sessions.Benchmarks.Load;

/// <summary>The command-line values the load commands share: name–value pairs, whole numbers, the server to start.</summary>
internal static class OptionValues
{
    /// <summary>The arguments as (name, value) pairs; an option without its value is refused.</summary>
    public static List<(string Name, string Value)> Pairs(ReadOnlySpan<string> args)
    {
        var pairs = new List<(string, string)>(args.Length / 2);
        for (var i = 0; i < args.Length; i += 2)
        {
            pairs.Add((args[i], i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"'{args[i]}' needs a value.", nameof(args))));
        }

        return pairs;
    }

    public static int Positive(string name, string value, bool allowZero = false) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && (n > 0 || (allowZero && n == 0))
            ? n
            : throw new ArgumentException($"{name}: '{value}' is not a {(allowZero ? "non-negative" : "positive")} whole number.", nameof(name));

    public static LocalServerKind Server(string value) => value switch
    {
        "dynalite" => LocalServerKind.Dynalite,
        "dynamodb-local" => LocalServerKind.DynamoDbLocal,
        _ => throw new ArgumentException($"--server: '{value}' is not one of dynalite, dynamodb-local.", nameof(value)),
    };

    public static ArgumentException Unknown(string name, string options) => new($"Unknown option '{name}'. Options: {options}.", nameof(name));
}
