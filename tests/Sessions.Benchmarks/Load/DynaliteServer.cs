using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sessions.Benchmarks.Load;

/// <summary>
/// A dynalite server on a free loopback port, started from the repository's <c>tests/dynamodb-local</c> (after
/// <c>npm ci</c> when its node_modules is missing) and stopped on dispose.
/// </summary>
internal sealed class DynaliteServer : IAsyncDisposable
{
    private readonly Process _process;

    private DynaliteServer(Process process, string endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    public static async Task<DynaliteServer> StartAsync(TextWriter log)
    {
        var directory = Path.Combine(FindRepositoryRoot(), "tests", "dynamodb-local");
        var cli = Path.Combine(directory, "node_modules", "dynalite", "cli.js");
        if (!File.Exists(cli))
        {
            if (!File.Exists(Path.Combine(directory, "package.json")))
            {
                throw new InvalidOperationException($"No dynalite package in '{directory}'. Start a DynamoDB-compatible server and pass --endpoint URL.");
            }

            await log.WriteLineAsync($"Installing dynalite in {directory} (npm ci)…");
            await RunToEndAsync("npm", ["ci", "--no-audit", "--no-fund"], directory);
        }

        var port = FreePort();
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        var exitWithParent = Path.Combine(directory, "exit-with-parent.js");
        if (File.Exists(exitWithParent))
        {
            // Stops the server when this process ends, however it ends (it watches the stdin pipe we hold).
            start.ArgumentList.Add("--require");
            start.ArgumentList.Add(exitWithParent);
        }

        foreach (var argument in new[] { cli, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--createTableMs", "0" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log.WriteLine($"dynalite: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new DynaliteServer(process, $"http://127.0.0.1:{port}");
        try
        {
            await WaitUntilListeningAsync(process, port);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Sessions.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Could not find the repository (Sessions.sln). Run from the repository, or pass --endpoint URL.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilListeningAsync(Process process, int port)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 30);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"dynalite exited with code {process.ExitCode} before listening.");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"dynalite did not listen on port {port} within 30 s.");
    }

    private static async Task RunToEndAsync(string fileName, string[] arguments, string directory)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed with exit code {process.ExitCode} in {directory}.");
        }
    }
}
