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
        foreach (var (name, value) in OptionValues.Pairs(args))
        {
            options = name switch
            {
                "--aot" => options with { Aot = value },
                "--jit" => options with { Jit = value },
                "--runs" => options with { Runs = OptionValues.Positive(name, value) },
                "--requests" => options with { Requests = OptionValues.Positive(name, value) },
                "--clients" => options with { Clients = OptionValues.Positive(name, value) },
                "--concurrent-seconds" => options with { ConcurrentSeconds = OptionValues.Positive(name, value) },
                "--server" => options with { Server = OptionValues.Server(value) },
                _ => throw OptionValues.Unknown(name, "--aot --jit --runs --requests --clients --concurrent-seconds --server"),
            };
        }

        return options;
    }
}
