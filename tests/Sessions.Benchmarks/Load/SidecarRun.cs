using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sessions.DynamoDb;
using Sessions.TestSupport.Servers;

namespace Sessions.Benchmarks.Load;

/// <summary>
/// The sample credential server as a sidecar, its NativeAOT binary beside its JIT build, on one DynamoDB-compatible
/// server: from exec to the first credential served (the table already there), the latency of a credential request
/// against its floor (one bare <c>UpdateItem</c> on the same server plus one round trip to an empty Kestrel endpoint),
/// the server's CPU per request, its resident memory after the sequential requests, and concurrent clients (the AWS
/// SDK for .NET's own container provider, in this process) with p50 and p99. Every build is started
/// <see cref="SidecarOptions.Runs"/> times; each figure printed is the median of the runs.
/// </summary>
internal static class SidecarRun
{
    private const string AccessKeyId = "ASIASIDECARLOADTEST1";

    public static async Task<int> RunAsync(SidecarOptions options)
    {
        var output = Console.Out;
        using var server = await LocalServerProcess.StartAsync(options.Server, CancellationToken.None);
        using var client = BenchmarkClient.Create(server.Endpoint.ToString());
        var tableName = $"sessions-sidecar-{Guid.NewGuid():N}"[..26];
        await SessionTable.EnsureCreatedAsync(client, tableName);
        var store = new DynamoDbSessionStore(client, Options.Create(new DynamoDbSessionStoreOptions { TableName = tableName }));
        var floorSession = await store.CreateAsync(ServerSession.Start("sidecar-floor", "load", "i-floor", string.Empty, TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        await using var empty = await EmptyKestrelAsync();
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { Timeout = TimeSpan.FromSeconds(30) };

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Sidecar: {options.Server} {server.Endpoint}, {options.Runs} runs per build, {options.Requests} sequential requests, {options.Clients} concurrent clients for {options.ConcurrentSeconds} s; load average {LoadAverage()}"));
        // The NativeAOT binary as shipped, the same with the smallest gen0 budget the runtime takes from the environment
        // (DOTNET_GCgen0size, hexadecimal: 4 MiB; the default follows the CPU's cache size), and the JIT build.
        var builds = new (string Name, string Build, Dictionary<string, string> Environment)[]
        {
            ("NativeAOT", options.Aot, []),
            ("NativeAOT, DOTNET_GCgen0size=400000", options.Aot, new() { ["DOTNET_GCgen0size"] = "400000" }),
            ("JIT", options.Jit, []),
        };
        var results = builds.ToDictionary(b => b.Name, _ => new List<RunResult>());
        for (var run = 1; run <= options.Runs; run++)
        {
            // A B C, then C B A: each build gets the same share of the machine's early and late minutes.
            foreach (var (name, build, environment) in run % 2 == 1 ? builds : builds.Reverse())
            {
                var result = await RunOnceAsync(build, environment, server.Endpoint, tableName, options, http, client, floorSession.Id, empty.Uri);
                results[name].Add(result);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  run {run} {name,-36} first credential {result.FirstCredentialMs,6:0.0} ms, RSS {result.ResidentMb,5:0.0} MB, p50 {result.CredentialP50Ms:0.000} ms (floor {result.FloorP50Ms:0.000} = UpdateItem {result.UpdateItemP50Ms:0.000} + empty Kestrel {result.EmptyP50Ms:0.000}, ratio {result.Ratio:0.00}), CPU {result.CpuMicrosecondsPerRequest:0} µs/request, {options.Clients} clients p50 {result.ConcurrentP50Ms:0.00} ms p99 {result.ConcurrentP99Ms:0.00} ms {result.ConcurrentPerSecond:N0}/s, load {LoadAverage()}"));
            }
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"Medians of {options.Runs} runs on {options.Server}:");
        await output.WriteLineAsync();
        await output.WriteLineAsync("| build | exec → first credential ms | RSS after requests MB | credential p50 ms | floor p50 ms | credential / floor | server CPU µs/request | 16 clients p50 ms | p99 ms | fetches/s |");
        await output.WriteLineAsync("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, runs) in results)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Median(runs, r => r.FirstCredentialMs):0.0} | {Median(runs, r => r.ResidentMb):0.0} | {Median(runs, r => r.CredentialP50Ms):0.000} | {Median(runs, r => r.FloorP50Ms):0.000} | {Median(runs, r => r.Ratio):0.00} | {Median(runs, r => r.CpuMicrosecondsPerRequest):0} | {Median(runs, r => r.ConcurrentP50Ms):0.00} | {Median(runs, r => r.ConcurrentP99Ms):0.00} | {Median(runs, r => r.ConcurrentPerSecond):N0} |"));
        }

        await client.DeleteTableAsync(tableName);
        return 0;
    }

    private static async Task<RunResult> RunOnceAsync(string build, IReadOnlyDictionary<string, string> environment, Uri endpoint, string tableName, SidecarOptions options, HttpClient http, Amazon.DynamoDBv2.IAmazonDynamoDB client, string floorSessionId, Uri empty)
    {
        var token = "sidecar-load-" + Guid.NewGuid().ToString("N");
        var started = Stopwatch.StartNew();
        using var sidecar = SidecarProcess.Start(build,
        [
            $"--urls=http://127.0.0.1:{LocalServerProcess.FreeLoopbackPort()}", $"--Sessions:ServiceUrl={endpoint}", $"--Sessions:TableName={tableName}",
            $"--CredentialServer:AuthorizationToken={token}", $"--CredentialServer:StaticCredentials:AccessKeyId={AccessKeyId}",
            "--CredentialServer:StaticCredentials:SecretAccessKey=sidecar-secret", "--CredentialServer:User=sidecar-load",
            "--SessionSweeper:MaxStartDelay=01:00:00", "--Logging:LogLevel:Default=Warning",
        ], environment);
        var uri = await sidecar.ListeningAsync();
        await GetAsync(http, uri, token);
        var firstCredential = started.Elapsed;

        // Sequential requests: latency, the server's CPU, then its memory; the floor in the same minute.
        var cpuBefore = sidecar.CpuTime;
        var credential = await SequentialAsync(options.Requests, () => GetAsync(http, uri, token));
        var cpu = sidecar.CpuTime - cpuBefore;
        var resident = sidecar.ResidentBytes;
        var updateItem = await SequentialAsync(options.Requests, () => client.UpdateItemAsync(HandWrittenTouch.Request(tableName, floorSessionId, DateTimeOffset.UtcNow)));
        var emptyRoundTrip = await SequentialAsync(options.Requests, () => GetAsync(http, empty, token: null));

        var concurrent = await ConcurrentAsync(uri, token, options.Clients, TimeSpan.FromSeconds(options.ConcurrentSeconds));
        await sidecar.StopAsync();

        var floor = Percentile(updateItem, 0.5) + Percentile(emptyRoundTrip, 0.5);
        return new RunResult(
            firstCredential.TotalMilliseconds,
            resident / 1024.0 / 1024.0,
            Percentile(credential, 0.5),
            Percentile(updateItem, 0.5),
            Percentile(emptyRoundTrip, 0.5),
            floor,
            Percentile(credential, 0.5) / floor,
            cpu.TotalMicroseconds / options.Requests,
            Percentile(concurrent.Latencies, 0.5),
            Percentile(concurrent.Latencies, 0.99),
            concurrent.Latencies.Count / concurrent.Seconds);
    }

    /// <summary>
    /// <paramref name="clients"/> tasks, each fetching again and again with a new <c>GenericContainerCredentials</c> (so
    /// nothing is cached), configured as any SDK application is: by the two environment variables.
    /// </summary>
    private static async Task<(List<double> Latencies, double Seconds)> ConcurrentAsync(Uri uri, string token, int clients, TimeSpan duration)
    {
        Environment.SetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.ToString());
        Environment.SetEnvironmentVariable("AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.StartNew();
        var perClient = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var begin = Stopwatch.GetTimestamp();
                var credentials = await new GenericContainerCredentials().GetCredentialsAsync();
                latencies.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
                if (credentials.AccessKey != AccessKeyId)
                {
                    throw new InvalidOperationException($"The client got {credentials.AccessKey}, not {AccessKeyId}.");
                }
            }

            return latencies;
        })));
        var all = perClient.SelectMany(l => l).ToList();
        all.Sort();
        return (all, started.Elapsed.TotalSeconds);
    }

    private static async Task<List<double>> SequentialAsync(int count, Func<Task> request)
    {
        for (var i = 0; i < Math.Min(50, count); i++)
        {
            await request();
        }

        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var begin = Stopwatch.GetTimestamp();
            await request();
            latencies.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
        }

        latencies.Sort();
        return latencies;
    }

    private static async Task GetAsync(HttpClient http, Uri uri, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
        }

        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{uri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>An empty endpoint on Kestrel in this process: the HTTP part of the floor.</summary>
    private static async Task<EmptyEndpoint> EmptyKestrelAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", static () => Results.Empty);
        await app.StartAsync();
        return new EmptyEndpoint(app, new Uri(app.Urls.Single()));
    }

    private static double Percentile(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Round(q * (sorted.Count - 1))];

    private static double Median(List<RunResult> runs, Func<RunResult, double> figure)
    {
        var values = runs.Select(figure).Order().ToList();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private sealed record RunResult(
        double FirstCredentialMs,
        double ResidentMb,
        double CredentialP50Ms,
        double UpdateItemP50Ms,
        double EmptyP50Ms,
        double FloorP50Ms,
        double Ratio,
        double CpuMicrosecondsPerRequest,
        double ConcurrentP50Ms,
        double ConcurrentP99Ms,
        double ConcurrentPerSecond);

    private sealed class EmptyEndpoint(WebApplication app, Uri uri) : IAsyncDisposable
    {
        public Uri Uri { get; } = uri;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
