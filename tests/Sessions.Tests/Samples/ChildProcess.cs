using System.Diagnostics;
using System.Text;

namespace Sessions.Tests.Samples;

/// <summary>What a child process printed and how it exited.</summary>
internal sealed record ChildProcessResult(int ExitCode, string Out, string Error)
{
    public string[] Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>
/// Runs a .NET program of this repository (<c>dotnet NAME.dll</c>) as a child process from its own output folder, where
/// its runtime configuration and dependencies are (the project references of the test project build it first), or a
/// program installed on the machine, such as the AWS CLI.
/// </summary>
internal static class ChildProcess
{
    /// <summary>The built sample client: the AWS SDK's container credentials provider (tests/CredentialClient).</summary>
    public static string CredentialClient => BuiltAssembly("tests/CredentialClient", "CredentialClient");

    /// <summary>The built <c>sessions</c> tool (src/Sessions.Cli).</summary>
    public static string SessionsCli => BuiltAssembly("src/Sessions.Cli", "Sessions.Cli");

    /// <summary>The built sample credential server (samples/CredentialServer).</summary>
    public static string CredentialServer => BuiltAssembly("samples/CredentialServer", "CredentialServer");

    /// <summary>The repository's root folder.</summary>
    public static string RepositoryRoot => TestProjectFolder().Parent!.Parent!.FullName;

    /// <summary>The longest a child may run; it is killed then and the test fails.</summary>
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Runs <paramref name="dll"/> with <paramref name="arguments"/>, its environment the test's own less every
    /// variable that starts with <c>AWS_CONTAINER_</c>, plus <paramref name="environment"/> (a null value removes one).
    /// </summary>
    public static Task<ChildProcessResult> RunAsync(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        RunProgramAsync(DotnetHost(), [dll, .. arguments], environment, Path.GetFileNameWithoutExtension(dll));

    /// <summary>
    /// Runs <paramref name="program"/> (a path) as <see cref="RunAsync"/> runs a .NET program: the test's environment
    /// less every <c>AWS_CONTAINER_</c> variable, the EC2 metadata service disabled, plus <paramref name="environment"/>.
    /// </summary>
    public static async Task<ChildProcessResult> RunProgramAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? name = null)
    {
        var assemblyName = name ?? Path.GetFileName(program);
        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var variable in startInfo.Environment.Keys.Where(k => k.StartsWith("AWS_CONTAINER_", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(variable);
        }

        // The SDK's other credential sources must not answer for the container provider, nor reach any network.
        startInfo.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        foreach (var (variable, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[variable] = value;
        }

        var output = new StringBuilder();
        var error = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(s_deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{assemblyName} did not exit within {s_deadline.TotalSeconds} s.\nstdout:\n{Snapshot(output)}\nstderr:\n{Snapshot(error)}");
        }

        process.WaitForExit(); // drains the redirected streams
        return new ChildProcessResult(process.ExitCode, Snapshot(output), Snapshot(error));
    }

    /// <summary>
    /// The assembly built from the project in <paramref name="projectFolder"/> (relative to the repository root), in the
    /// output folder of the same configuration and framework as this test assembly's (for example <c>bin/Debug/net10.0</c>).
    /// </summary>
    private static string BuiltAssembly(string projectFolder, string assemblyName)
    {
        var testProject = TestProjectFolder();
        var outputFolder = Path.GetRelativePath(testProject.FullName, AppContext.BaseDirectory);
        var dll = Path.Combine(RepositoryRoot, projectFolder, outputFolder, assemblyName + ".dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the solution (the test project references {projectFolder}).");
    }

    private static DirectoryInfo TestProjectFolder()
    {
        var testProject = new DirectoryInfo(AppContext.BaseDirectory);
        while (testProject is not null && !File.Exists(Path.Combine(testProject.FullName, "Sessions.Tests.csproj")))
        {
            testProject = testProject.Parent;
        }

        return testProject?.Parent?.Parent is not null
            ? testProject
            : throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Sessions.Tests.csproj.");
    }

    /// <summary>The <c>dotnet</c> host this test runs on.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current
        : "dotnet";
    private static void Append(StringBuilder builder, string? line)
    {
        if (line is not null)
        {
            lock (builder)
            {
                builder.AppendLine(line);
            }
        }
    }

    private static string Snapshot(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }
}
