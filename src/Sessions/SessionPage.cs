namespace Sessions;

/// <summary>One page of a list, newest <see cref="ServerSession.CreatedAt"/> first.</summary>
/// <param name="Items">The sessions on this page; may be fewer than the limit (even empty) while a token remains.</param>
/// <param name="ContinuationToken">Pass it in the next <see cref="PageRequest"/> of the same query; <see langword="null"/> on the last page.</param>
public sealed record SessionPage(IReadOnlyList<ServerSession> Items, string? ContinuationToken)
{
    /// <summary>Gets an empty last page.</summary>
    public static SessionPage Empty { get; } = new([], null);

    /// <summary>Gets a value indicating whether another page may follow.</summary>
    public bool HasMore => ContinuationToken is not null;

    /// <summary>
    /// Gets the stored items on this page's part of the list that could not be read as sessions (written by another
    /// tool, edited by hand, damaged), each naming the item's id (<see cref="SessionStoreException.SessionId"/>, when it
    /// is readable) and the attribute at fault. A list never fails as a whole because of such an item: the page holds the
    /// sessions it could read and reports these beside them, and following the token still meets every item exactly
    /// once. Empty on most pages, and always on the in-memory store.
    /// </summary>
    /// <value>The default value is an empty list.</value>
    public IReadOnlyList<SessionCorruptException> Unreadable { get; init; } = [];
}
