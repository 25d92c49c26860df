using System.CommandLine;
using Sessions.Cli.CommandLine;
using Sessions.Cli.Errors;
using Sessions.Cli.Output;

namespace Sessions.Cli.Commands;

/// <summary><c>sessions revoke ID --by OPERATOR --reason TEXT</c>: stops one Active session from serving.</summary>
internal static class RevokeCommand
{
    public static Command Create(CliContext context)
    {
        var id = CommandLineValues.SessionIdArgument("The session to revoke.");
        var revocation = new RevocationOptions();
        var json = CommandLineValues.JsonOption();
        var connection = new ConnectionOptions();
        var command = new Command("revoke", "Revoke an Active session: its server's next credential request is refused.") { id, revocation.By, revocation.Reason, json };
        connection.AddTo(command);

        command.SetAction((result, cancellationToken) => context.WithStoreAsync(connection.Read(result), async store =>
        {
            var (by, reason) = revocation.Read(result);
            var session = await store.RevokeAsync(result.GetRequiredValue(id), by, reason, cancellationToken);
            var output = context.Console.Out;
            if (result.GetValue(json))
            {
                JsonOutput.Write(output, SessionRecord.From(session));
            }
            else
            {
                output.WriteLine($"Revoked session {SessionFormat.Text(session.Id)} of user {SessionFormat.Text(session.User)} on {SessionFormat.Text(session.ServerInstanceId)}.");
                SessionView.WriteDetails(output, context.Console.Style, session);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
