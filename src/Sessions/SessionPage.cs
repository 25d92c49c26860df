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
}
