using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.Options;
using Sessions.DynamoDb;
using Sessions.InMemory;
using Sessions.TestSupport.Servers;

namespace Sessions.Benchmarks.Load;

/// <summary>
/// Touch throughput on a real DynamoDB-compatible server: W workers touching S sessions, the store and the hand-written
/// UpdateItem in the same run (alternating slices A B B A …, so drift of the machine hits both alike), then a check that every
/// session counted exactly its successful touches. Then Touch on the in-memory store with 1, 2 and 4 threads.
/// </summary>
internal static class LoadRun
{
    public static async Task<int> RunAsync(LoadOptions options)
    {
        var output = Console.Out;
        using var server = options.Endpoint is null ? await LocalServerProcess.StartAsync(options.Server, CancellationToken.None) : null;
        var endpoint = options.Endpoint ?? server!.Endpoint.ToString();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Load: {options.Workers} workers, {options.Sessions} sessions, {options.Seconds} s measured per contender (after {options.WarmupSeconds} s warm-up), server {(server is null ? "" : server.Kind + " ")}{endpoint}"));

        using var client = BenchmarkClient.Create(endpoint);
        var tableName = $"sessions-load-{Guid.NewGuid():N}"[..24];
        await SessionTable.EnsureCreatedAsync(client, tableName);
        var store = new DynamoDbSessionStore(client, Options.Create(new DynamoDbSessionStoreOptions { TableName = tableName }));

        var ids = new string[options.Sessions];
        for (var i = 0; i < ids.Length; i++)
        {
            var session = ServerSession.Start($"load-user-{i}", "load-profile", $"i-load-{i}", string.Empty, TimeSpan.FromHours(1), TimeProvider.System.GetUtcNow());
            ids[i] = (await store.CreateAsync(session)).Id;
        }

        var touched = new long[ids.Length];
        var contenders = new[]
        {
            new Contender("Store", id => store.TouchAsync(id)),
            new Contender("RawSdk", id => client.UpdateItemAsync(HandWrittenTouch.Request(tableName, id, TimeProvider.System.GetUtcNow()))),
        };

        if (options.WarmupSeconds > 0)
        {
            foreach (var contender in contenders)
            {
                await RunSliceAsync(contender, ids, touched, options.Workers, TimeSpan.FromSeconds(options.WarmupSeconds), output: null);
            }
        }

        // A B B A, repeated: each contender gets the same share of the start, the middle and the end of the run.
        var slice = TimeSpan.FromSeconds(options.Seconds / (double)options.Slices);
        var order = Enumerable.Range(0, options.Slices * 2).Select(i => contenders[(i % 4) is 0 or 3 ? 0 : 1]);
        foreach (var contender in order)
        {
            await RunSliceAsync(contender, ids, touched, options.Workers, slice, output);
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync("| contender | touches | failed | touches/s | p50 ms | p99 ms | client CPU µs/touch |");
        await output.WriteLineAsync("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var contender in contenders)
        {
            await output.WriteLineAsync(contender.Row());
        }

        var (byStore, byHand) = (contenders[0], contenders[1]);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Store / RawSdk: throughput {byStore.PerSecond / byHand.PerSecond:0.00}, p50 {byStore.Percentile(0.50) / byHand.Percentile(0.50):0.00}, p99 {byStore.Percentile(0.99) / byHand.Percentile(0.99):0.00}, client CPU per touch {byStore.CpuMicrosecondsPerTouch / byHand.CpuMicrosecondsPerTouch:0.00}"));

        var consistent = await VerifyCountsAsync(store, ids, touched, output);
        await client.DeleteTableAsync(tableName);

        await output.WriteLineAsync();
        consistent &= await RunInMemoryAsync(options, output);
        return consistent ? 0 : 1;
    }

    /// <summary>Runs <paramref name="workers"/> touch loops for <paramref name="duration"/>; measured (and printed) when <paramref name="output"/> is given.</summary>
    private static async Task RunSliceAsync(Contender contender, string[] ids, long[] touched, int workers, TimeSpan duration, TextWriter? output)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var results = await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var latencies = new List<long>(4096);
            var failed = 0;
            for (var n = w; Stopwatch.GetTimestamp() < deadline; n += workers)
            {
                var s = n % ids.Length;
                var begin = Stopwatch.GetTimestamp();
                try
                {
                    await contender.Touch(ids[s]);
                    latencies.Add(Stopwatch.GetTimestamp() - begin);
                    Interlocked.Increment(ref touched[s]);
                }
                catch (Exception ex) when (ex is AmazonDynamoDBException or SessionStoreException or HttpRequestException or TaskCanceledException)
                {
                    failed++;
                }
            }

            return (latencies, failed);
        })));
        if (output is not null)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            contender.Add(results, elapsed, cpu);
            var count = results.Sum(r => r.latencies.Count);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  slice {contender.Name,-6} {count / elapsed.TotalSeconds,8:N0} touches/s, client CPU {cpu.TotalMicroseconds / count,6:0.0} µs/touch"));
        }
    }

    private static async Task<bool> VerifyCountsAsync(DynamoDbSessionStore store, string[] ids, long[] touched, TextWriter output)
    {
        var consistent = true;
        for (var i = 0; i < ids.Length; i++)
        {
            var stored = await store.GetAsync(ids[i]);
            if (stored.RequestCount != touched[i])
            {
                consistent = false;
                await output.WriteLineAsync($"MISMATCH: session {ids[i]} has RequestCount {stored.RequestCount}, but {touched[i]} touches succeeded.");
            }
        }

        await output.WriteLineAsync(consistent
            ? $"RequestCount of every session equals its successful touches ({touched.Sum()} in all, warm-up included)."
            : "RequestCount does not match the successful touches.");
        return consistent;
    }

    private static async Task<bool> RunInMemoryAsync(LoadOptions options, TextWriter output)
    {
        await output.WriteLineAsync($"InMemorySessionStore Touch, {options.Sessions} sessions, {options.MemorySeconds} s per run:");
        await output.WriteLineAsync();
        await output.WriteLineAsync("| threads | touches | touches/s | per thread/s | allocated B/touch |");
        await output.WriteLineAsync("|---:|---:|---:|---:|---:|");
        var consistent = true;
        foreach (var threads in new[] { 1, 2, 4 })
        {
            var store = new InMemorySessionStore();
            var ids = new string[options.Sessions];
            for (var i = 0; i < ids.Length; i++)
            {
                var session = ServerSession.Start($"load-user-{i}", "load-profile", $"i-load-{i}", string.Empty, TimeSpan.FromHours(1), TimeProvider.System.GetUtcNow());
                ids[i] = (await store.CreateAsync(session)).Id;
            }

            var perThread = new long[threads][];
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var deadline = Stopwatch.GetTimestamp() + (options.MemorySeconds * Stopwatch.Frequency);
            var started = Stopwatch.GetTimestamp();
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                var counts = new long[ids.Length];
                for (var n = t; Stopwatch.GetTimestamp() < deadline; n++)
                {
                    var s = n % ids.Length;
                    store.TouchAsync(ids[s]).GetAwaiter().GetResult();
                    counts[s]++;
                }

                perThread[t] = counts;
            })).ToList();
            workers.ForEach(thread => thread.Start());
            workers.ForEach(thread => thread.Join());
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

            var total = perThread.Sum(c => c.Sum());
            for (var i = 0; i < ids.Length; i++)
            {
                var expected = perThread.Sum(c => c[i]);
                var stored = await store.GetAsync(ids[i]);
                if (stored.RequestCount != expected)
                {
                    consistent = false;
                    await output.WriteLineAsync($"MISMATCH (in memory, {threads} threads): session {ids[i]} has RequestCount {stored.RequestCount}, expected {expected}.");
                }
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"| {threads} | {total:N0} | {total / elapsed:N0} | {total / elapsed / threads:N0} | {allocated / (double)total:0} |"));
        }

        return consistent;
    }

    /// <summary>One way of touching, and what its measured slices recorded.</summary>
    private sealed class Contender(string name, Func<string, Task> touch)
    {
        private readonly List<long> _latencies = [];
        private long _failed;
        private double _seconds;
        private TimeSpan _cpu;

        public string Name { get; } = name;

        public Func<string, Task> Touch { get; } = touch;

        public double PerSecond => _latencies.Count / _seconds;

        /// <summary>Gets the CPU time this process spent per successful touch (the server runs in its own process).</summary>
        public double CpuMicrosecondsPerTouch => _cpu.TotalMicroseconds / _latencies.Count;

        public void Add((List<long> Latencies, int Failed)[] results, TimeSpan elapsed, TimeSpan cpu)
        {
            _cpu += cpu;
            foreach (var (latencies, failed) in results)
            {
                _latencies.AddRange(latencies);
                _failed += failed;
            }

            _seconds += elapsed.TotalSeconds;
            _latencies.Sort();
        }

        /// <summary>The latency at quantile <paramref name="q"/>, in milliseconds.</summary>
        public double Percentile(double q) =>
            _latencies.Count == 0 ? double.NaN : _latencies[(int)Math.Round(q * (_latencies.Count - 1))] * 1000.0 / Stopwatch.Frequency;

        public string Row() => string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {_latencies.Count:N0} | {_failed:N0} | {PerSecond:N0} | {Percentile(0.50):0.00} | {Percentile(0.99):0.00} | {CpuMicrosecondsPerTouch:0.0} |");
    }
}
