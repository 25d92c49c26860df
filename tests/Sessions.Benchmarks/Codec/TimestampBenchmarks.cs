namespace Sessions.Benchmarks.Codec;

/// <summary>The stored timestamp format: formatting allocates the result string only; parsing and span formatting nothing.</summary>
[MemoryDiagnoser]
public class TimestampBenchmarks
{
    private readonly DateTimeOffset _value = BenchmarkData.Now;
    private readonly string _stored = SessionTimestamp.Format(BenchmarkData.Now);
    private readonly string _rfc3339Nano = "2026-01-20T03:19:09.123+01:00";
    private readonly char[] _buffer = new char[SessionTimestamp.Length];

    [Benchmark]
    public string Format() => SessionTimestamp.Format(_value);

    [Benchmark]
    public bool TryFormatToSpan() => SessionTimestamp.TryFormat(_value, _buffer);

    [Benchmark]
    public DateTimeOffset Parse() => SessionTimestamp.Parse(_stored);

    [Benchmark]
    public DateTimeOffset ParseRfc3339WithOffset() => SessionTimestamp.Parse(_rfc3339Nano);
}
