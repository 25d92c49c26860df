using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Sessions.Tests.DynamoDb;

/// <summary>
/// A dynalite server (the npm package pinned in <c>tests/dynamodb-local</c>) in a child Node.js process, in memory,
/// on a free loopback port. Installs the package with <c>npm ci</c> first when it is missing. Shared by the test
/// fixture and the benchmarks' load run (linked into that project).
/// </summary>
internal sealed class DynaliteProcess : IDisposable
{
    private const int MaxOutputChars = 16_000;
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DynaliteProcess(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    /// <summary>Gets the server's URL, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Installs dynalite if needed, starts it and returns once it answers HTTP requests.</summary>
    /// <exception cref="InvalidOperationException">Node.js is missing, <c>npm ci</c> failed, or the server did not start.</exception>
    public static async Task<DynaliteProcess> StartAsync(CancellationToken cancellationToken)
    {
        var directory = Path.Combine(FindRepositoryRoot(), "tests", "dynamodb-local");
        var node = FindOnPath("node") ?? FindOnPath("nodejs") ?? throw new InvalidOperationException(
            "Node.js was not found on PATH. The DynamoDB tests run the store against dynalite, a DynamoDB-compatible "
            + "server for Node.js pinned in tests/dynamodb-local. Install Node.js 20 or later (for example "
            + "'apt-get install nodejs npm', or from https://nodejs.org) and run the tests again, or set "
            + "SESSIONS_DYNAMODB_ENDPOINT to the URL of a running DynamoDB-compatible server "
            + "(for example DynamoDB Local at http://localhost:8000).");

        await EnsureInstalledAsync(directory, cancellationToken);

        // The port is free when picked but could be taken before node binds it; then pick another.
        for (var attempt = 1; ; attempt++)
        {
            var server = Launch(node, directory, FreeLoopbackPort());
            try
            {
                await server.WaitUntilAnsweringAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server.Output.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                server.Dispose();
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }
    }

    /// <summary>Stops the server and every process it started.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }

        _process.Dispose();
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private static DynaliteProcess Launch(string node, string directory, int port)
    {
        var startInfo = new ProcessStartInfo(node)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--require", Path.Combine(directory, "exit-with-parent.js"),
            Path.Combine(directory, "node_modules", "dynalite", "cli.js"),
            "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        var server = new DynaliteProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Standard input stays open, unwritten, for the server's lifetime: exit-with-parent.js stops the server when it closes.
        return server;
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"dynalite exited with code {_process.ExitCode} before it answered on {Endpoint}. Its output:\n{Output}");
            }

            try
            {
                // Any HTTP answer will do (this unsigned request is refused); it shows the server is listening.
                using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new StringContent("{}") };
                request.Headers.Add("X-Amz-Target", "DynamoDB_20120810.ListTables");
                using var response = await http.SendAsync(request, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (deadline.Elapsed > StartTimeout)
                {
                    throw new InvalidOperationException($"dynalite did not answer on {Endpoint} within {StartTimeout.TotalSeconds} s. Its output:\n{Output}", ex);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < MaxOutputChars)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>Runs <c>npm ci</c> in <paramref name="directory"/> unless dynalite is installed, one test process at a time.</summary>
    private static async Task EnsureInstalledAsync(string directory, CancellationToken cancellationToken)
    {
        var cli = Path.Combine(directory, "node_modules", "dynalite", "cli.js");
        if (File.Exists(cli))
        {
            return;
        }

        var lockPath = Path.Combine(Path.GetTempPath(), $"sessions-dynamodb-local-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(directory)))[..16]}.lock");
        using var installLock = await AcquireFileLockAsync(lockPath, InstallTimeout, cancellationToken);
        if (File.Exists(cli))
        {
            return;
        }

        var npm = FindOnPath(OperatingSystem.IsWindows() ? "npm.cmd" : "npm") ?? throw new InvalidOperationException(
            $"npm was not found on PATH, so dynalite cannot be installed in {directory}. Install Node.js 20 or later with npm "
            + "(for example 'apt-get install nodejs npm', or from https://nodejs.org) and run the tests again.");
        var startInfo = new ProcessStartInfo(npm)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => AppendLine(output, e.Data);
        process.ErrorDataReceived += (_, e) => AppendLine(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InstallTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"'npm ci' in {directory} did not finish within {InstallTimeout.TotalMinutes} minutes. Its output:\n{Snapshot(output)}");
        }

        if (process.ExitCode != 0 || !File.Exists(cli))
        {
            throw new InvalidOperationException($"'npm ci' in {directory} failed (exit code {process.ExitCode}). Its output:\n{Snapshot(output)}");
        }

        static void AppendLine(StringBuilder output, string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        static string Snapshot(StringBuilder output)
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> exclusively, waiting while another process holds it. The file is left behind:
    /// deleting it on release would let a waiting process and a newcomer lock two different files.
    /// </summary>
    private static async Task<FileStream> AcquireFileLockAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < timeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static string? FindOnPath(string program)
    {
        var name = OperatingSystem.IsWindows() && !Path.HasExtension(program) ? program + ".exe" : program;
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sessions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Sessions.sln, so tests/dynamodb-local cannot be found.");
    }
}
