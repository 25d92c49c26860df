using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Cli.CommandLine;
using Sessions.Cli.Commands;
using Sessions.Cli.Errors;
using Sessions.Cli.Hosting;
using Sessions.Cli.Output;

namespace Sessions.Cli;

/// <summary>The <c>sessions</c> command line, runnable in process: parse, run one command, map any failure to an exit code.</summary>
internal static class CliApp
{
    public const string ToolName = "sessions";

    /// <summary>Runs a command line writing to the given writers, which are treated as redirected (no styles, no progress).</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="storeFactory">Builds the store for a table; <see cref="StoreFactory.DynamoDb"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Func<StoreConnection, ServiceProvider>? storeFactory = null, CancellationToken cancellationToken = default) =>
        RunAsync(args, new CliConsole(stdout, stderr), storeFactory, timeProvider: null, random: null, cancellationToken);

    /// <summary>Runs a command line on <paramref name="console"/>.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="console">Where to write, and which streams are terminals.</param>
    /// <param name="storeFactory">Builds the store for a table; <see cref="StoreFactory.DynamoDb"/> when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for "now" and for waits; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="random">The source of jitter for retry waits; <see cref="Random.Shared"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(
        string[] args,
        CliConsole console,
        Func<StoreConnection, ServiceProvider>? storeFactory = null,
        TimeProvider? timeProvider = null,
        Random? random = null,
        CancellationToken cancellationToken = default)
    {
        var context = new CliContext(console, storeFactory ?? StoreFactory.DynamoDb, timeProvider ?? TimeProvider.System, random ?? Random.Shared);
        var root = CreateRootCommand(context);
        var parsed = root.Parse(args);
        var command = CommandPath(parsed);

        if (parsed.Errors.Count > 0 && parsed.Action is not { ClearsParseErrors: true })
        {
            var errors = string.Join("; ", parsed.Errors.Select(e => ErrorReporter.OneLine(e.Message).TrimEnd('.')));
            console.Error.WriteLine($"error: {errors}. (see '{$"{ToolName} {command}".TrimEnd()} --help')");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = ReferenceEquals(console.Out, Console.Out) ? TimeSpan.FromSeconds(2) : null,
        };

        try
        {
            return await parsed.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception ex)
        {
            return ErrorReporter.Report(ex, console.Error, command.Length == 0 ? ToolName : command, TableOf(parsed));
        }
    }

    internal static Command CreateRootCommand(CliContext context)
    {
        // A plain command named like the installed tool, so help reads "sessions ..." whatever the assembly is called.
        var root = new Command(ToolName, "Watch, list and revoke credential-server sessions stored in Amazon DynamoDB. Start with 'sessions demo'.")
        {
            new HelpOption(),
            new VersionOption(),
            DemoCommand.Create(context),
            TableCommand.Create(context),
            ListCommand.Create(context),
            WatchCommand.Create(context),
            ShowCommand.Create(context),
            RevokeCommand.Create(context),
            RevokeUserCommand.Create(context),
            ExpireStaleCommand.Create(context),
        };

        // Without a command, show what there is, and say it was not enough.
        root.SetAction(result =>
        {
            new HelpAction().Invoke(result);
            return ExitCodes.Usage;
        });
        return root;
    }

    /// <summary>The command that ran, without the root: for example <c>table describe</c>.</summary>
    private static string CommandPath(ParseResult parsed)
    {
        var names = new Stack<string>();
        for (SymbolResult? result = parsed.CommandResult; result is CommandResult { Parent: not null } command; result = command.Parent)
        {
            names.Push(command.Command.Name);
        }

        return string.Join(' ', names);
    }

    /// <summary>The <c>--table</c> the command named, to name it in a store failure the store did not attribute.</summary>
    private static string? TableOf(ParseResult parsed) =>
        parsed.CommandResult.Command.Options.FirstOrDefault(o => o.Name == ConnectionOptions.TableName) is Option<string> table
            ? parsed.GetValue(table)
            : null;
}
