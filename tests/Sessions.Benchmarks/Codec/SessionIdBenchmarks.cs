namespace Sessions.Benchmarks.Codec;

/// <summary>Id validation runs before every call: it must allocate nothing.</summary>
[MemoryDiagnoser]
public class SessionIdBenchmarks
{
    private readonly string _valid = "5e55100000000000";
    private readonly string _invalid = "5e551000000000G0";

    [Benchmark]
    public bool IsValid() => SessionId.IsValid(_valid);

    [Benchmark]
    public bool IsValidRejects() => SessionId.IsValid(_invalid);

    [Benchmark]
    public string New() => SessionId.New();
}
