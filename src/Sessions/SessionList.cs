using Sessions.Paging;

namespace Sessions;

/// <summary>
/// Which sessions one list returns and in what order, written once for every store: a store only fetches candidates
/// (from memory, or from an index and a consistent read), and this type keeps those whose current state matches the
/// list, newest <see cref="ServerSession.CreatedAt"/> first, by true instant.
/// </summary>
internal sealed class SessionList
{
    /// <summary>Newest CreatedAt first; sessions created at the same instant, by id, descending (ordinal).</summary>
    public static readonly Comparer<ServerSession> NewestFirst = Comparer<ServerSession>.Create(static (a, b) =>
    {
        var byTime = b.CreatedAt.CompareTo(a.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(b.Id, a.Id);
    });

    private readonly Func<ServerSession, bool> _matches;
    private readonly (DateTimeOffset From, DateTimeOffset Before)? _created;

    private SessionList(string operation, PageQuery query, Func<ServerSession, bool> matches, (DateTimeOffset From, DateTimeOffset Before)? created = null)
    {
        Operation = operation;
        Query = query;
        _matches = matches;
        _created = created;
    }

    /// <summary>Gets the operation name of the list, for its span and its errors.</summary>
    public string Operation { get; }

    /// <summary>Gets the query a continuation token of this list is bound to.</summary>
    public PageQuery Query { get; }

    /// <summary>Gets a value indicating whether the list is empty whatever the store holds (a time range of no length).</summary>
    public bool IsEmpty => _created is { } range && range.From == range.Before;

    public static SessionList ByUser(string user) =>
        new(SessionStoreOperations.ListByUser, PageQuery.ForUser(user), s => string.Equals(s.User, user, StringComparison.Ordinal));

    public static SessionList ByStatus(SessionStatus status) =>
        new(SessionStoreOperations.ListByStatus, PageQuery.ForStatus(status), s => s.Status == status);

    public static SessionList ByProfile(string profile) =>
        new(SessionStoreOperations.ListByProfile, PageQuery.ForProfile(profile), s => string.Equals(s.Profile, profile, StringComparison.Ordinal));

    /// <summary>Sessions created in [<paramref name="from"/>, <paramref name="before"/>), judged by their true instant.</summary>
    public static SessionList ByTimeRange(DateTimeOffset from, DateTimeOffset before) =>
        new(SessionStoreOperations.ListByTimeRange, PageQuery.ForTimeRange(from, before), s => s.CreatedAt >= from && s.CreatedAt < before, (from, before));

    /// <summary>The Active sessions of a server instance (a list of which FindActiveByServerInstance takes the newest).</summary>
    public static SessionList ActiveOf(string serverInstanceId) =>
        new(SessionStoreOperations.FindActiveByServerInstance, default, s => s.Status == SessionStatus.Active && string.Equals(s.ServerInstanceId, serverInstanceId, StringComparison.Ordinal));

    /// <summary>
    /// Where the page of <paramref name="page"/>'s token starts. A token of another list, a malformed or tampered one,
    /// or one outside the time range is an <see cref="ArgumentException"/>.
    /// </summary>
    public PageCursor Start(PageRequest? page)
    {
        var cursor = PageToken.Decode(page, Query, streams: 1)[0];
        if (_created is { } range)
        {
            PageToken.ThrowIfOutside([cursor], SessionTimestamp.KeyRange(range.From, range.Before));
        }

        return cursor;
    }

    /// <summary>Whether the session's current state belongs in the list.</summary>
    public bool Matches(ServerSession session) => _matches(session);

    /// <summary>
    /// Whether a session whose created_at is stored as <paramref name="createdAt"/> may belong in the list: false only for
    /// a time that parses and lies outside the time range (any form other writers use); the session itself is judged later.
    /// </summary>
    public bool MayHold(string createdAt) =>
        _created is not { } range || !SessionTimestamp.TryParse(createdAt, out var created) || (created >= range.From && created < range.Before);

    /// <summary>Which sessions come after <paramref name="cursor"/> in the list's order: all from the start, none when done.</summary>
    public static Func<ServerSession, bool> After(PageCursor cursor)
    {
        if (cursor.State != PageCursorState.After)
        {
            var all = cursor.State == PageCursorState.Start;
            return _ => all;
        }

        // Newest first: a session comes after the cursor when it is older, or as old with a smaller id. The store that
        // judges sessions in memory only ever writes positions in the stored form: any other was not its own.
        if (!SessionTimestamp.TryParse(cursor.CreatedAt, out var time))
        {
            throw PageToken.Invalid("its position is not a stored item");
        }

        var id = cursor.Id;
        return s => s.CreatedAt < time || (s.CreatedAt == time && string.CompareOrdinal(s.Id, id) < 0);
    }

    /// <summary>
    /// The candidates that match, newest first, at most <paramref name="take"/> of them; a candidate that is
    /// <see langword="null"/> (not found) is left out.
    /// </summary>
    public List<ServerSession> Page(IEnumerable<ServerSession?> candidates, int take = int.MaxValue) =>
        candidates.OfType<ServerSession>().Where(_matches).Order(NewestFirst).Take(take).ToList();

    /// <summary>The newest candidate that matches, or <see langword="null"/>.</summary>
    public ServerSession? Newest(IEnumerable<ServerSession> candidates)
    {
        ServerSession? newest = null;
        foreach (var session in candidates)
        {
            if (_matches(session) && (newest is null || NewestFirst.Compare(session, newest) < 0))
            {
                newest = session;
            }
        }

        return newest;
    }
}
