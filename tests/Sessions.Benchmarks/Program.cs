using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Running;
using Sessions.Benchmarks.Load;

// dotnet run -c Release --project tests/Sessions.Benchmarks -- --filter '*' --job short   BenchmarkDotNet (see docs/PERFORMANCE.md)
// dotnet run -c Release --project tests/Sessions.Benchmarks -- load [--seconds 10 --workers 8 --sessions 4 --slices 4 --warmup 5 --memory-seconds 2 --server dynalite|dynamodb-local --endpoint URL]
// dotnet run -c Release --project tests/Sessions.Benchmarks -- requests                 prints what each method sends
// dotnet run -c Release --project tests/Sessions.Benchmarks -- sidecar [--server dynalite|dynamodb-local --runs 5 --requests 1000 --clients 16 --concurrent-seconds 5 --aot PATH --jit PATH]
if (args.Length > 0 && args[0] == "load")
{
    return await LoadRun.RunAsync(LoadOptions.Parse(args.AsSpan(1)));
}

if (args.Length > 0 && args[0] == "sidecar")
{
    return await SidecarRun.RunAsync(SidecarOptions.Parse(args.AsSpan(1)));
}

if (args.Length > 0 && args[0] == "requests")
{
    await RequestPrinter.PrintAsync(Console.Out);
    return 0;
}

// The default configuration, with exactly the exporters docs/PERFORMANCE.md is written from (CSV and GitHub markdown,
// under BenchmarkDotNet.Artifacts/results/) and allocations measured for every class.
var config = ManualConfig.CreateMinimumViable()
    .AddExporter(CsvExporter.Default, MarkdownExporter.GitHub)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddValidator([.. DefaultConfig.Instance.GetValidators()])
    .AddAnalyser([.. DefaultConfig.Instance.GetAnalysers()]);
BenchmarkSwitcher.FromAssembly(typeof(OperationBenchmark).Assembly).Run(args, config);
return 0;
