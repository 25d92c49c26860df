using Sessions.Diagnostics;

namespace Sessions.Cli.Lookalikes;

/// <summary>
/// Finds the active sessions of users that differ from a given user only by characters a screen does not show
/// (controls, format characters such as U+200B or the tag characters: <see cref="VisibleText.VisibleForm"/>), such as
/// <c>alice</c> + U+200B beside <c>alice</c>. There is no index by visible form, so the search reads the active sessions
/// (<see cref="ISessionStore.ListByStatusAsync"/>, newest first), where a lookalike that can still serve is, up to a
/// bound: each 1,000 sessions cost one index query and ten batch reads (1,000 consistent reads).
/// </summary>
internal static class LookalikeUsers
{
    /// <summary>How many active sessions a search compares unless told otherwise.</summary>
    public const int DefaultLimit = 10_000;

    /// <summary>The most a search may be told to compare.</summary>
    public const int MaxLimit = 1_000_000;

    /// <summary>
    /// Compares <paramref name="user"/> with the users of up to <paramref name="limit"/> active sessions, newest first.
    /// Sessions past their expiry time are left out (they cannot serve), and so are items the store cannot read.
    /// </summary>
    public static async Task<LookalikeReport> FindAsync(ISessionStore store, string user, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var visible = VisibleText.VisibleForm(user);
        var lookalikes = new List<ServerSession>();
        var compared = 0;
        var page = new PageRequest(Math.Min(limit, PageRequest.MaxLimit));
        while (compared < limit)
        {
            var result = await store.ListByStatusAsync(SessionStatus.Active, page, cancellationToken);
            compared += result.Items.Count;
            lookalikes.AddRange(result.Items.Where(s =>
                !string.Equals(s.User, user, StringComparison.Ordinal)
                && !s.IsExpiredAt(now)
                && string.Equals(VisibleText.VisibleForm(s.User), visible, StringComparison.Ordinal)));
            if (result.ContinuationToken is null)
            {
                return new LookalikeReport(user, lookalikes, compared, Complete: true);
            }

            page = new PageRequest(Math.Min(limit - compared, PageRequest.MaxLimit), result.ContinuationToken);
        }

        return new LookalikeReport(user, lookalikes, compared, Complete: false);
    }
}
