using System.Globalization;
using Sessions.TestSupport.Servers;

namespace Sessions.Benchmarks.Load;

/// <summary>The settings of the sidecar run: which builds of the sample to compare, on which server, how often.</summary>
internal sealed record SidecarOptions
{
    /// <summary>Gets the NativeAOT binary (<c>dotnet publish samples/CredentialServer -c Release -r linux-x64 -p:PublishAot=true -o artifacts/sidecar</c>).</summary>
    public string Aot { get; init; } = Path.Combine("artifacts", "sidecar", "CredentialServer");

    /// <summary>Gets the JIT build (<c>dotnet build samples/CredentialServer -c Release</c>), run as <c>dotnet CredentialServer.dll</c>.</summary>
    public string Jit { get; init; } = Path.Combine("samples", "CredentialServer", "bin", "Release", "net10.0", "CredentialServer.dll");

    /// <summary>Gets how many times each build is started and measured; each figure is the median of the runs.</summary>
    public int Runs { get; init; } = 5;

    /// <summary>Gets how many sequential credential requests each run sends after the first (latency, CPU, then resident memory).</summary>
    public int Requests { get; init; } = 1000;

    /// <summary>Gets how many concurrent clients fetch in the last part of each run.</summary>
    public int Clients { get; init; } = 16;

    /// <summary>Gets the seconds the concurrent clients fetch in each run.</summary>
    public int ConcurrentSeconds { get; init; } = 5;

    /// <summary>Gets which server to start: dynalite (the default) or DynamoDB Local.</summary>
    public LocalServerKind Server { get; init; } = LocalServerKind.Dynalite;

    public static SidecarOptions Parse(ReadOnlySpan<string> args)
    {
        var options = new SidecarOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"'{name}' needs a value.", nameof(args));
            }

            var value = args[++i];
            options = name switch
            {
                "--aot" => options with { Aot = value },
                "--jit" => options with { Jit = value },
                "--runs" => options with { Runs = Positive(name, value) },
                "--requests" => options with { Requests = Positive(name, value) },
                "--clients" => options with { Clients = Positive(name, value) },
                "--concurrent-seconds" => options with { ConcurrentSeconds = Positive(name, value) },
                "--server" => options with { Server = value switch
                {
                    "dynalite" => LocalServerKind.Dynalite,
                    "dynamodb-local" => LocalServerKind.DynamoDbLocal,
                    _ => throw new ArgumentException($"--server: '{value}' is not one of dynalite, dynamodb-local.", nameof(args)),
                } },
                _ => throw new ArgumentException($"Unknown option '{name}'. Options: --aot --jit --runs --requests --clients --concurrent-seconds --server.", nameof(args)),
            };
        }

        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name}: '{value}' is not a positive whole number.", nameof(name));
}
