using System.CommandLine;
using Sessions.Cli.CommandLine;
using Sessions.Cli.Errors;
using Sessions.Cli.Output;

namespace Sessions.Cli.Commands;

/// <summary><c>sessions revoke-user USER --by OPERATOR --reason TEXT</c>: revokes every Active session of a user.</summary>
internal static class RevokeUserCommand
{
    public static Command Create(CliContext context)
    {
        var user = new Argument<string>("user") { Description = "The user whose Active sessions to revoke." };
        var revocation = new RevocationOptions();
        var json = CommandLineValues.JsonOption();
        var connection = new ConnectionOptions();
        var command = new Command("revoke-user", "Revoke every Active session of a user (sessions that end meanwhile are skipped).") { user, revocation.By, revocation.Reason, json };
        connection.AddTo(command);

        command.SetAction((result, cancellationToken) => context.WithStoreAsync(connection.Read(result), async store =>
        {
            var name = result.GetRequiredValue(user);
            var (by, reason) = revocation.Read(result);
            SessionMaintenanceResult revoked;
            await using (new ProgressLine(context.Console, $"revoking the active sessions of user {SessionFormat.Quoted(name)}"))
            {
                revoked = await store.RevokeAllForUserAsync(name, by, reason, cancellationToken);
            }

            return BulkSummary.Write(context.Console, revoked, "revoked", name, result.GetValue(json),
                $"Revoked {SessionFormat.Count(revoked.Changed, "active session")} of user {SessionFormat.Quoted(name)}.");
        }));
        return command;
    }
}
