using System.Diagnostics;
using System.Text;

namespace Sessions.Tests.Samples;

/// <summary>
/// The built sample (<c>dotnet CredentialServer.dll</c>) running as a child process, as a sidecar runs: its output is
/// kept and can be awaited line by line, and it is stopped with SIGTERM, as a container runtime stops it.
/// </summary>
internal sealed class CredentialServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly SemaphoreSlim _printed = new(0);

    private CredentialServerProcess(Process process) => _process = process;

    /// <summary>Gets everything the server printed so far, standard output and standard error interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the server in <paramref name="workingDirectory"/> with <paramref name="arguments"/>.</summary>
    public static CredentialServerProcess Start(IEnumerable<string> arguments, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo(ChildProcess.DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        startInfo.ArgumentList.Add(ChildProcess.CredentialServer);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var server = new CredentialServerProcess(new Process { StartInfo = startInfo });
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits until the output holds a line that <paramref name="matches"/>, and returns it; fails after <paramref name="timeout"/> or when the server exits.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> matches, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (Output.Split('\n').FirstOrDefault(matches) is { } line)
            {
                return line.TrimEnd('\r');
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The credential server exited with code {_process.ExitCode} before printing the awaited line. Its output:\n{Output}");
            }

            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The credential server did not print the awaited line within {timeout.TotalSeconds} s. Its output:\n{Output}");
            }

            // Woken by the next line printed, or after a while to notice an exit.
            await _printed.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Sends SIGTERM and waits for the exit; returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        _printed.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        _printed.Release();
    }
}
