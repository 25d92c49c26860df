using System.CommandLine;
using Sessions.Cli.CommandLine;
using Sessions.Cli.Errors;
using Sessions.Cli.Output;

namespace Sessions.Cli.Commands;

/// <summary><c>sessions expire-stale</c>: the sweeper, moving every Active session past its expiry time to Expired.</summary>
internal static class ExpireStaleCommand
{
    public static Command Create(CliContext context)
    {
        var json = CommandLineValues.JsonOption();
        var connection = new ConnectionOptions();
        var command = new Command("expire-stale", "Expire every Active session whose expiry time has passed.") { json };
        connection.AddTo(command);

        command.SetAction((result, cancellationToken) => context.WithStoreAsync(connection.Read(result), async store =>
        {
            SessionMaintenanceResult expired;
            await using (new ProgressLine(context.Console, "expiring active sessions past their expiry time"))
            {
                expired = await store.ExpireStaleAsync(context.Time.GetUtcNow(), cancellationToken);
            }

            return BulkSummary.Write(context.Console, expired, "expired", user: null, result.GetValue(json),
                $"Expired {SessionFormat.Count(expired.Changed, "session")} past {(expired.Changed == 1 ? "its" : "their")} expiry time.");
        }));
        return command;
    }
}
