using System.CommandLine;
using Sessions.Cli.CommandLine;
using Sessions.Cli.Errors;
using Sessions.Cli.Lookalikes;
using Sessions.Cli.Output;

namespace Sessions.Cli.Commands;

/// <summary>
/// <c>sessions revoke-user USER --by OPERATOR --reason TEXT</c>: revokes every Active session of exactly that user, then
/// warns about active sessions of users that differ from it only by invisible characters (<c>--lookalikes</c>).
/// </summary>
internal static class RevokeUserCommand
{
    public static Command Create(CliContext context)
    {
        var user = new Argument<string>("user") { Description = "The user whose Active sessions to revoke: exactly this user, not users that only look the same." };
        var revocation = new RevocationOptions();
        var json = CommandLineValues.JsonOption();
        var lookalikes = new LookalikeOptions("USER");
        var connection = new ConnectionOptions();
        var command = new Command(
            "revoke-user",
            "Revoke every Active session of a user (sessions that end meanwhile are skipped); warn about active sessions of users that differ from it only by invisible characters.")
        {
            user, revocation.By, revocation.Reason, json, lookalikes.Limit,
        };
        connection.AddTo(command);

        command.SetAction((result, cancellationToken) =>
        {
            var target = connection.Read(result);
            return context.WithStoreAsync(target, async store =>
            {
                var name = result.GetRequiredValue(user);
                var (by, reason) = revocation.Read(result);
                SessionMaintenanceResult revoked;
                await using (new ProgressLine(context.Console, $"revoking the active sessions of user {SessionFormat.Quoted(name)}"))
                {
                    revoked = await store.RevokeAllForUserAsync(name, by, reason, cancellationToken);
                }

                var exitCode = BulkSummary.Write(context.Console, revoked, "revoked", name, result.GetValue(json),
                    $"Revoked {SessionFormat.Count(revoked.Changed, "active session")} of user {SessionFormat.Quoted(name)}.");

                // Sessions of users that only look like this one were not revoked: say so, with their ids.
                await LookalikeWarning.WarnAsync(context, store, name, result.GetValue(lookalikes.Limit), "not revoked", "revoke-user", target.Table, cancellationToken);
                return exitCode;
            });
        });
        return command;
    }
}
