using Amazon.DynamoDBv2.Model;
using Sessions.DynamoDb;

namespace Sessions.Benchmarks.Codec;

/// <summary>Record ↔ item mapping, the store's only work per item beyond the SDK's.</summary>
[MemoryDiagnoser]
public class MappingBenchmarks
{
    private readonly ServerSession _session = BenchmarkData.Session;
    private readonly ServerSession _revoked = BenchmarkData.Revoked;
    private readonly Dictionary<string, AttributeValue> _item = BenchmarkData.Item(BenchmarkData.Session);

    [Benchmark]
    public Dictionary<string, AttributeValue> ToItem() => SessionItem.ToItem(_session, BenchmarkData.Retention);

    [Benchmark]
    public Dictionary<string, AttributeValue> ToItemRevoked() => SessionItem.ToItem(_revoked, BenchmarkData.Retention);

    [Benchmark]
    public ServerSession FromItem() => SessionItem.FromItem(_item);
}
