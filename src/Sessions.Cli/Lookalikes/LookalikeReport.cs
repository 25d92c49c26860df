using Sessions.Cli.Output;

namespace Sessions.Cli.Lookalikes;

/// <summary>What a <see cref="LookalikeUsers"/> search found.</summary>
/// <param name="User">The user searched for, as given.</param>
/// <param name="Sessions">The active sessions of users that look like <paramref name="User"/> but are not it, newest first.</param>
/// <param name="Compared">How many active sessions the search compared.</param>
/// <param name="Complete">Whether it compared every active session, rather than stopping at its bound.</param>
internal sealed record LookalikeReport(string User, IReadOnlyList<ServerSession> Sessions, int Compared, bool Complete)
{
    /// <summary>
    /// Writes a warning line per lookalike user — the user and the ids of its active sessions, escaped, and
    /// <paramref name="outcome"/> (for example <c>not revoked</c>) — and, when the search stopped at its bound, a line
    /// saying so. Nothing when there is nothing to say.
    /// </summary>
    public void Write(TextWriter error, string outcome)
    {
        foreach (var group in Sessions.GroupBy(s => s.User, StringComparer.Ordinal))
        {
            var ids = group.Select(s => SessionFormat.Text(s.Id)).ToList();
            error.WriteLine(
                $"warning: user {SessionFormat.Quoted(group.Key)} looks like {SessionFormat.Quoted(User)} (they differ only by invisible characters): " +
                $"its active {(ids.Count == 1 ? "session" : "sessions")} {string.Join(", ", ids)} {(ids.Count == 1 ? "is" : "are")} {outcome}");
        }

        if (!Complete)
        {
            error.WriteLine(
                $"warning: compared {SessionFormat.Quoted(User)} with the newest {SessionFormat.Count(Compared, "active session")} only, " +
                "not all: --lookalikes N compares more (0 skips the check)");
        }
    }
}
