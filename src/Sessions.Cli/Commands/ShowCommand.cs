using System.CommandLine;
using Sessions.Cli.CommandLine;
using Sessions.Cli.Errors;
using Sessions.Cli.Output;

namespace Sessions.Cli.Commands;

/// <summary><c>sessions show ID</c>: every field of one session (a strongly consistent read).</summary>
internal static class ShowCommand
{
    public static Command Create(CliContext context)
    {
        var id = CommandLineValues.SessionIdArgument("The session id.");
        var output = new OutputOptions();
        var connection = new ConnectionOptions();
        var command = new Command("show", "Show one session.") { id };
        output.AddTo(command);
        connection.AddTo(command);

        command.SetAction((result, cancellationToken) =>
        {
            var format = output.Read(result);
            return context.WithStoreAsync(connection.Read(result), async store =>
            {
                var session = await store.GetAsync(result.GetRequiredValue(id), cancellationToken);
                switch (format)
                {
                    case OutputFormat.Json:
                        JsonOutput.Write(context.Console.Out, SessionRecord.From(session));
                        break;
                    case OutputFormat.Csv:
                        CsvOutput.Write(context.Console.Out, [session]);
                        break;
                    default:
                        SessionView.WriteDetails(context.Console.Out, context.Console.Style, session);
                        break;
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }
}
