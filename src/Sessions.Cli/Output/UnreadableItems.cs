using Sessions.Cli.Errors;

namespace Sessions.Cli.Output;

/// <summary>
/// Stored items a list could not read as sessions (<see cref="SessionPage.Unreadable"/>): named on standard error, one
/// line each, beside the sessions the list could read.
/// </summary>
internal static class UnreadableItems
{
    /// <summary>Writes a line per item (its id escaped, the attribute at fault and why) and returns the exit code: <see cref="ExitCodes.Incomplete"/> when there is any.</summary>
    public static int Write(TextWriter error, IReadOnlyCollection<SessionCorruptException> items)
    {
        foreach (var item in items)
        {
            error.WriteLine($"error: cannot read item {Id(item)} (attribute {SessionFormat.Quoted(item.AttributeName)}): {ErrorReporter.OneLine(item.Message)}");
        }

        return items.Count == 0 ? ExitCodes.Success : ExitCodes.Incomplete;
    }

    /// <summary>The item's id quoted and escaped, or <c>(no id)</c> when the id itself is unreadable.</summary>
    public static string Id(SessionCorruptException item) => item.SessionId is null ? "(no id)" : SessionFormat.Quoted(item.SessionId);
}
