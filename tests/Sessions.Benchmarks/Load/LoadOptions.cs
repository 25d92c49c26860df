using Sessions.TestSupport.Servers;

namespace Sessions.Benchmarks.Load;

/// <summary>The settings of the load run; the defaults suit a 2-core machine that also runs the server.</summary>
internal sealed record LoadOptions
{
    /// <summary>Gets the measured seconds per contender (store and raw SDK each).</summary>
    public int Seconds { get; init; } = 10;

    /// <summary>Gets into how many slices each contender's time is cut; the slices alternate A B B A A B B A ….</summary>
    public int Slices { get; init; } = 4;

    /// <summary>Gets the unmeasured seconds each contender runs first.</summary>
    public int WarmupSeconds { get; init; } = 5;

    /// <summary>Gets how many concurrent workers touch.</summary>
    public int Workers { get; init; } = 8;

    /// <summary>Gets how many sessions they touch, round robin.</summary>
    public int Sessions { get; init; } = 4;

    /// <summary>Gets the seconds of each in-memory run (1, 2 and 4 threads).</summary>
    public int MemorySeconds { get; init; } = 2;

    /// <summary>Gets the endpoint of a running DynamoDB-compatible server; when null, <see cref="Server"/> is started from tests/dynamodb-local.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Gets which server to start when no <see cref="Endpoint"/> is given: dynalite (the default) or DynamoDB Local.</summary>
    public LocalServerKind Server { get; init; } = LocalServerKind.Dynalite;

    public static LoadOptions Parse(ReadOnlySpan<string> args)
    {
        var options = new LoadOptions();
        foreach (var (name, value) in OptionValues.Pairs(args))
        {
            options = name switch
            {
                "--seconds" => options with { Seconds = OptionValues.Positive(name, value) },
                "--slices" => options with { Slices = OptionValues.Positive(name, value) },
                "--warmup" => options with { WarmupSeconds = OptionValues.Positive(name, value, allowZero: true) },
                "--workers" => options with { Workers = OptionValues.Positive(name, value) },
                "--sessions" => options with { Sessions = OptionValues.Positive(name, value) },
                "--memory-seconds" => options with { MemorySeconds = OptionValues.Positive(name, value) },
                "--server" => options with { Server = OptionValues.Server(value) },
                "--endpoint" => options with { Endpoint = Uri.TryCreate(value, UriKind.Absolute, out _) ? value : throw new ArgumentException($"--endpoint: '{value}' is not an absolute URL.", nameof(args)) },
                _ => throw OptionValues.Unknown(name, "--seconds --slices --warmup --workers --sessions --memory-seconds --server --endpoint"),
            };
        }

        return options;
    }
}
