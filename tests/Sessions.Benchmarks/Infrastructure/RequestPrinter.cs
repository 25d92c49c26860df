using Sessions.Benchmarks.Operations;

namespace Sessions.Benchmarks.Infrastructure;

/// <summary>Prints the requests each operation benchmark sends from each of its three methods, to check they compare like with like.</summary>
internal static class RequestPrinter
{
    public static async Task PrintAsync(TextWriter output)
    {
        OperationBenchmark[] benchmarks =
        [
            new TouchBenchmarks(), new GetBenchmarks(), new CreateBenchmarks(),
            new UpdateBenchmarks(), new RevokeBenchmarks(), new ListByUserBenchmarks(),
        ];
        foreach (var benchmark in benchmarks)
        {
            benchmark.GlobalSetup();
            try
            {
                await output.WriteLineAsync($"== {benchmark.GetType().Name}");
                foreach (var (method, requests) in await benchmark.CaptureAllAsync())
                {
                    foreach (var request in requests)
                    {
                        var body = request.Body.Length > 1600 ? request.Body[..1600] + $"… ({request.Body.Length} chars)" : request.Body;
                        await output.WriteLineAsync($"{method,-8} {request.Operation,-13} {body}");
                    }
                }
            }
            finally
            {
                benchmark.GlobalCleanup();
            }
        }
    }
}
