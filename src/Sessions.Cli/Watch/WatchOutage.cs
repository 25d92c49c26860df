namespace Sessions.Cli.Watch;

/// <summary>A refresh of <c>sessions watch</c> that the store did not answer, and when the watch asks again.</summary>
/// <param name="At">When the refresh failed.</param>
/// <param name="Cause">What failed, one line, escaped (the message an operator command would print).</param>
/// <param name="Failures">How many attempts in a row have failed, this one included.</param>
/// <param name="Delay">How long the watch waits before the next attempt.</param>
internal sealed record WatchOutage(DateTimeOffset At, string Cause, int Failures, TimeSpan Delay)
{
    /// <summary>Gets when the next attempt is due.</summary>
    public DateTimeOffset NextAttempt => At + Delay;
}
