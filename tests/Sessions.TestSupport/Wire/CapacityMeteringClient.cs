using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace Sessions.TestSupport.Wire;

/// <summary>
/// A DynamoDB client that asks for the consumed capacity of every request the store sends
/// (<c>ReturnConsumedCapacity = INDEXES</c>, set on the request object before it is marshalled and signed, so it works
/// against any endpoint) and records what the server reports: write and read units per table and per index.
/// </summary>
public sealed class CapacityMeteringClient : AmazonDynamoDBClient
{
    private readonly ConcurrentQueue<ConsumedCapacity> _consumed = new();

    public CapacityMeteringClient(AWSCredentials? credentials, AmazonDynamoDBConfig config)
        : base(credentials ?? Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentials(config), config)
    {
    }

    /// <summary>Forgets what was recorded so far.</summary>
    public void Reset() => _consumed.Clear();

    /// <summary>The capacity consumed since the last <see cref="Reset"/>, summed over requests.</summary>
    public CapacityUse Use()
    {
        double table = 0, reads = 0;
        var indexes = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var consumed in _consumed)
        {
            table += consumed.Table?.CapacityUnits ?? 0;
            reads += consumed.ReadCapacityUnits ?? 0;
            foreach (var (name, capacity) in consumed.GlobalSecondaryIndexes ?? [])
            {
                indexes[name] = indexes.GetValueOrDefault(name) + (capacity.CapacityUnits ?? 0);
            }
        }

        return new CapacityUse(table, indexes, reads, _consumed.Count);
    }

    /// <inheritdoc />
    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        pipeline.AddHandlerBefore<Marshaller>(new Metering(_consumed));
    }

    private sealed class Metering(ConcurrentQueue<ConsumedCapacity> consumed) : PipelineHandler
    {
        public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            Ask(executionContext.RequestContext.OriginalRequest);
            var response = await base.InvokeAsync<T>(executionContext);
            Record(executionContext.ResponseContext.Response);
            return response;
        }

        private static void Ask(AmazonWebServiceRequest request)
        {
            var indexes = ReturnConsumedCapacity.INDEXES;
            switch (request)
            {
                case PutItemRequest r: r.ReturnConsumedCapacity = indexes; break;
                case UpdateItemRequest r: r.ReturnConsumedCapacity = indexes; break;
                case DeleteItemRequest r: r.ReturnConsumedCapacity = indexes; break;
                case GetItemRequest r: r.ReturnConsumedCapacity = indexes; break;
                case QueryRequest r: r.ReturnConsumedCapacity = indexes; break;
                case BatchGetItemRequest r: r.ReturnConsumedCapacity = indexes; break;
                case BatchWriteItemRequest r: r.ReturnConsumedCapacity = indexes; break;
            }
        }

        private void Record(AmazonWebServiceResponse? response)
        {
            IEnumerable<ConsumedCapacity?> reported = response switch
            {
                PutItemResponse r => [r.ConsumedCapacity],
                UpdateItemResponse r => [r.ConsumedCapacity],
                DeleteItemResponse r => [r.ConsumedCapacity],
                GetItemResponse r => [r.ConsumedCapacity],
                QueryResponse r => [r.ConsumedCapacity],
                BatchGetItemResponse r => r.ConsumedCapacity ?? [],
                BatchWriteItemResponse r => r.ConsumedCapacity ?? [],
                _ => [],
            };
            foreach (var capacity in reported.OfType<ConsumedCapacity>())
            {
                consumed.Enqueue(capacity);
            }
        }
    }
}

/// <summary>Capacity consumed by one or more requests.</summary>
/// <param name="TableUnits">Units charged to the table itself (write units for writes, read units for reads).</param>
/// <param name="IndexUnits">Units charged to each global secondary index, by name; an index not written is absent.</param>
/// <param name="ReadUnits">Read units in all (reads only).</param>
/// <param name="Requests">How many answers reported capacity.</param>
public sealed record CapacityUse(double TableUnits, IReadOnlyDictionary<string, double> IndexUnits, double ReadUnits, int Requests)
{
    /// <summary>Gets the units of the table and every index together.</summary>
    public double TotalUnits => TableUnits + IndexUnits.Values.Sum();

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"table {TableUnits:0.0}")
        + string.Concat(IndexUnits.Select(i => string.Create(System.Globalization.CultureInfo.InvariantCulture, $", {i.Key} {i.Value:0.0}")))
        + string.Create(System.Globalization.CultureInfo.InvariantCulture, $" = {TotalUnits:0.0}");
}
