using Amazon.DynamoDBv2.DataModel;
using Amazon.DynamoDBv2.Model;

namespace Sessions.Benchmarks.Operations;

/// <summary>Get: one strongly consistent GetItem of a 14-attribute item.</summary>
public class GetBenchmarks : OperationBenchmark
{
    private static readonly LoadConfig Consistent = new() { ConsistentRead = true };

    private readonly string _id = BenchmarkData.Session.Id;

    [Benchmark(Baseline = true)]
    public override Task<GetItemResponse> RawSdk() => Client.GetItemAsync(new GetItemRequest
    {
        TableName = TableName,
        Key = HandWritten.Key(_id),
        ConsistentRead = true,
    });

    [Benchmark]
    public override Task<ServerSession> Store() => SessionStore.GetAsync(_id);

    [Benchmark]
    public override Task<SessionDocument> Context() => DbContext.LoadAsync<SessionDocument>(_id, Consistent);

    private protected override void Configure(CannedDynamoDbHandler handler) =>
        handler.Respond("GetItem", BenchmarkData.GetItemResponse(BenchmarkData.Session));
}
