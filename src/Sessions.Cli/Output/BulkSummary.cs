using Sessions.Cli.Errors;

namespace Sessions.Cli.Output;

/// <summary>The summary of <c>revoke-user</c> and <c>expire-stale</c>: changed, skipped, and each session that failed.</summary>
internal static class BulkSummary
{
    /// <summary>Writes the summary (a line per failed session on standard error) and returns the exit code: non-zero when any failed.</summary>
    public static int Write(CliConsole console, SessionMaintenanceResult result, string action, string? user, bool json, string headline)
    {
        if (json)
        {
            JsonOutput.Write(console.Out, new BulkResultJson(action, result.Changed, user, result.Skipped, result.Failed, result.FailedIds));
        }
        else
        {
            console.Out.WriteLine($"{headline} Skipped {SessionFormat.Count(result.Skipped)} (changed meanwhile); failed {SessionFormat.Count(result.Failed)}.");
        }

        foreach (var id in result.FailedIds)
        {
            console.Error.WriteLine($"error: session {SessionFormat.Quoted(id)} was not {action}: {ErrorReporter.OneLine(result.Failures[id].Message)}");
        }

        return result.Failed == 0 ? ExitCodes.Success : ExitCodes.Incomplete;
    }
}
