using System.CommandLine;
using Sessions.Cli.Errors;
using Sessions.Cli.Output;

namespace Sessions.Cli.Commands;

/// <summary><c>sessions show ID</c>: every field of one session (a strongly consistent read).</summary>
internal static class ShowCommand
{
    public static Command Create(CliContext context)
    {
        var id = CommandLineValues.SessionIdArgument("The session id.");
        var json = CommandLineValues.JsonOption();
        var connection = new ConnectionOptions();
        var command = new Command("show", "Show one session.") { id, json };
        connection.AddTo(command);

        command.SetAction((result, cancellationToken) => context.WithStoreAsync(connection.Read(result), async store =>
        {
            var session = await store.GetAsync(result.GetRequiredValue(id), cancellationToken);
            if (result.GetValue(json))
            {
                JsonOutput.Write(context.Console.Out, JsonOutput.From(session));
            }
            else
            {
                SessionView.WriteDetails(context.Console.Out, context.Console.Style, session);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
