using System.Collections;
using System.Text.Json;

namespace Sessions.Tests.Samples;

/// <summary>The container-credentials clients the tests run against the sample, each as a child process.</summary>
public enum CredentialClientKind
{
    /// <summary>The AWS SDK for .NET's <c>GenericContainerCredentials</c> (tests/CredentialClient).</summary>
    DotNetSdk,

    /// <summary>botocore's own credential chain, from the Debian package <c>python3-botocore</c> (tests/CredentialClient/botocore_client.py).</summary>
    Botocore,

    /// <summary>The AWS CLI v2 from the Debian package <c>awscli</c>: <c>aws configure export-credentials</c> and a signed <c>aws dynamodb list-tables</c>.</summary>
    AwsCli,
}

/// <summary>What a client got: whether it succeeded, the access key id and session token (empty for none), and everything it printed.</summary>
internal sealed record ClientFetch(bool Succeeded, string? AccessKeyId, string? Token, ChildProcessResult Result);

/// <summary>
/// Runs the real clients. botocore and the AWS CLI are the Debian packages', run as <c>/usr/bin/python3</c> and
/// <c>/usr/bin/aws</c> (a python3 or aws earlier on PATH, such as pyenv's, is not the one installed), with no
/// credential source in their environment but the container provider: no <c>AWS_*</c> variable but the two the
/// server prints, and no shared configuration files. A missing client fails the test with what to install.
/// </summary>
internal static class CredentialClients
{
    public const string Python = "/usr/bin/python3";
    public const string AwsCli = "/usr/bin/aws";

    private static readonly Lazy<Task<string?>> s_botocoreMissing = new(() => MissingAsync(
        Python, ["-c", "import botocore, sys; sys.stdout.write(botocore.__version__)"], output => output.Length > 0,
        "botocore (the Debian package python3-botocore) is not installed for /usr/bin/python3. Install it with "
        + "'apt-get install python3-botocore' (.ci/run does) and run the tests again."));

    private static readonly Lazy<Task<string?>> s_awsCliMissing = new(() => MissingAsync(
        AwsCli, ["--version"], output => output.StartsWith("aws-cli/2.", StringComparison.Ordinal),
        "The AWS CLI v2 (the Debian package awscli) is not installed as /usr/bin/aws. Install it with "
        + "'apt-get install awscli' (.ci/run does) and run the tests again."));

    private static string BotocoreClient => Path.Combine(ChildProcess.RepositoryRoot, "tests", "CredentialClient", "botocore_client.py");

    /// <summary>Fetches credentials once with <paramref name="client"/>; botocore and the CLI also sign a ListTables call to <paramref name="dynamoDbEndpoint"/> with them.</summary>
    public static async Task<ClientFetch> FetchAsync(CredentialClientKind client, Dictionary<string, string?> serverEnvironment, Uri dynamoDbEndpoint)
    {
        switch (client)
        {
            case CredentialClientKind.DotNetSdk:
            {
                var result = await ChildProcess.RunAsync(ChildProcess.CredentialClient, ["1"], serverEnvironment);
                return FromOkLine(result, accessKeyAt: 1, tokenAt: 2);
            }

            case CredentialClientKind.Botocore:
            {
                await RequireAsync(s_botocoreMissing);
                var result = await ChildProcess.RunProgramAsync(Python, [BotocoreClient, "1", dynamoDbEndpoint.ToString()], Isolated(serverEnvironment));
                return FromOkLine(result, accessKeyAt: 2, tokenAt: 3);
            }

            default:
            {
                await RequireAsync(s_awsCliMissing);
                var environment = Isolated(serverEnvironment);
                var export = await ChildProcess.RunProgramAsync(AwsCli, ["configure", "export-credentials", "--format", "process"], environment);
                if (export.ExitCode != 0)
                {
                    return new ClientFetch(false, null, null, export);
                }

                var signed = await ChildProcess.RunProgramAsync(AwsCli, ["dynamodb", "list-tables", "--max-items", "1", "--endpoint-url", dynamoDbEndpoint.ToString(), "--region", "us-east-1", "--output", "json"], environment);
                using var document = JsonDocument.Parse(export.Out);
                var both = new ChildProcessResult(signed.ExitCode, export.Out + signed.Out, export.Error + signed.Error);
                return new ClientFetch(signed.ExitCode == 0, document.RootElement.GetProperty("AccessKeyId").GetString(),
                    document.RootElement.TryGetProperty("SessionToken", out var token) ? token.GetString() : null, both);
            }
        }
    }

    /// <summary>
    /// The environment of a client that must find its credentials at the server and nowhere else: the test's own
    /// less every <c>AWS_</c> and Python path variable, no shared configuration or credentials file, plus <paramref name="serverEnvironment"/>.
    /// </summary>
    private static Dictionary<string, string?> Isolated(Dictionary<string, string?> serverEnvironment)
    {
        var environment = new Dictionary<string, string?>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && (name.StartsWith("AWS_", StringComparison.Ordinal) || name.StartsWith("PYTHON", StringComparison.Ordinal) || name == "BOTO_CONFIG"))
            {
                environment[name] = null;
            }
        }

        var nowhere = Path.Combine(Path.GetTempPath(), "sessions-tests-no-aws-config-" + Guid.NewGuid().ToString("N"));
        environment["AWS_CONFIG_FILE"] = nowhere;
        environment["AWS_SHARED_CREDENTIALS_FILE"] = nowhere;
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        environment["AWS_PAGER"] = string.Empty;
        foreach (var (name, value) in serverEnvironment)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static ClientFetch FromOkLine(ChildProcessResult result, int accessKeyAt, int tokenAt)
    {
        var line = result.Lines.FirstOrDefault(l => l.StartsWith("ok ", StringComparison.Ordinal));
        if (result.ExitCode != 0 || line is null)
        {
            return new ClientFetch(false, null, null, result);
        }

        var fields = line.Split(' ');
        return new ClientFetch(true, fields[accessKeyAt], fields[tokenAt] == "-" ? string.Empty : fields[tokenAt], result);
    }

    private static async Task RequireAsync(Lazy<Task<string?>> missing)
    {
        if (await missing.Value is { } whatToInstall)
        {
            throw new InvalidOperationException(whatToInstall);
        }
    }

    /// <summary>Null when <paramref name="program"/> runs and its output passes <paramref name="looksRight"/>, else <paramref name="whatToInstall"/>.</summary>
    private static async Task<string?> MissingAsync(string program, string[] arguments, Func<string, bool> looksRight, string whatToInstall)
    {
        if (!File.Exists(program))
        {
            return whatToInstall;
        }

        var result = await ChildProcess.RunProgramAsync(program, arguments, Isolated([]));
        return result.ExitCode == 0 && looksRight((result.Out + result.Error).Trim()) ? null : $"{whatToInstall}\n{result}";
    }
}
