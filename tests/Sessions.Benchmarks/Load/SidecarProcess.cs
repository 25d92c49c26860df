using System.Diagnostics;
using System.Globalization;

namespace Sessions.Benchmarks.Load;

/// <summary>One build of the sample credential server running as a child process, as a sidecar runs.</summary>
internal sealed class SidecarProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SidecarProcess(Process process) => _process = process;

    /// <summary>Starts <paramref name="build"/> (a NativeAOT binary, or a .dll run by <c>dotnet</c>) with <paramref name="arguments"/> and <paramref name="environment"/> added to this process's.</summary>
    public static SidecarProcess Start(string build, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        build = Path.GetFullPath(build);
        var isDll = build.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var startInfo = new ProcessStartInfo(isDll ? "dotnet" : build)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (isDll)
        {
            startInfo.ArgumentList.Add(build);
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var sidecar = new SidecarProcess(new Process { StartInfo = startInfo });
        sidecar._process.OutputDataReceived += (_, e) =>
        {
            const string Prefix = "export AWS_CONTAINER_CREDENTIALS_FULL_URI=";
            if (e.Data is { } line && line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                sidecar._listening.TrySetResult(new Uri(line[Prefix.Length..]));
            }
        };
        sidecar._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine("  sidecar: " + line);
            }
        };
        sidecar._process.Exited += (_, _) => sidecar._listening.TrySetException(new InvalidOperationException($"{build} exited before it listened."));
        sidecar._process.EnableRaisingEvents = true;
        sidecar._process.Start();
        sidecar._process.BeginOutputReadLine();
        sidecar._process.BeginErrorReadLine();
        return sidecar;
    }

    /// <summary>Waits for the line the server prints once it listens, and returns the credentials URI in it.</summary>
    public Task<Uri> ListeningAsync() => _listening.Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Gets the CPU time the process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Gets the process's resident memory now, in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>Stops the process as a container runtime does (SIGTERM) and waits for it.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
