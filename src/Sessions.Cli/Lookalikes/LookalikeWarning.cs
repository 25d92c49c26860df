using Sessions.Cli.CommandLine;
using Sessions.Cli.Errors;
using Sessions.Cli.Output;

namespace Sessions.Cli.Lookalikes;

/// <summary>
/// The lookalike check of <c>revoke-user</c> and <c>list --user</c>: warnings on standard error about active sessions
/// of users that differ from the given one only by invisible characters. A warning never changes the exit code, and a
/// store failure of the check is a warning too: the command itself has done its work.
/// </summary>
internal static class LookalikeWarning
{
    /// <summary>Searches up to <paramref name="limit"/> active sessions (none when 0) and warns about what it finds.</summary>
    /// <param name="context">The console and the clock.</param>
    /// <param name="store">The store.</param>
    /// <param name="user">The user the command was given.</param>
    /// <param name="limit">How many active sessions to compare; 0 skips the check.</param>
    /// <param name="outcome">What the command did not do to the lookalikes' sessions: <c>not revoked</c>, <c>not listed</c>.</param>
    /// <param name="command">The command, to name a store failure.</param>
    /// <param name="table">The table, to name a store failure.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    public static async Task WarnAsync(
        CliContext context, ISessionStore store, string user, int limit, string outcome, string command, string table, CancellationToken cancellationToken)
    {
        if (limit == 0)
        {
            return;
        }

        LookalikeReport report;
        try
        {
            await using (new ProgressLine(context.Console, $"looking for users that look like {SessionFormat.Quoted(user)}"))
            {
                report = await LookalikeUsers.FindAsync(store, user, limit, context.Time.GetUtcNow(), cancellationToken);
            }
        }
        catch (Exception ex) when (ErrorReporter.Describe(ex, command, table) is (ExitCodes.StoreFailure, var message))
        {
            context.Console.Error.WriteLine($"warning: could not look for users that look like {SessionFormat.Quoted(user)}: {ErrorReporter.OneLine(message)}");
            return;
        }

        report.Write(context.Console.Error, outcome);
    }
}
