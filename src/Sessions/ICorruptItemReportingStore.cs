namespace Sessions;

/// <summary>
/// A store whose lists can go on past a corrupt item, reporting it instead of failing the page. Bulk maintenance uses it
/// so that one corrupt item never stops a run; every other caller gets the corrupt item as an error.
/// </summary>
internal interface ICorruptItemReportingStore
{
    /// <summary>As <see cref="ISessionStore.ListByUserAsync"/>, with each corrupt item passed to <paramref name="corrupt"/> and left out.</summary>
    Task<SessionPage> ListByUserAsync(string user, PageRequest page, Action<SessionCorruptException> corrupt, CancellationToken cancellationToken);

    /// <summary>As <see cref="ISessionStore.ListByStatusAsync"/>, with each corrupt item passed to <paramref name="corrupt"/> and left out.</summary>
    Task<SessionPage> ListByStatusAsync(SessionStatus status, PageRequest page, Action<SessionCorruptException> corrupt, CancellationToken cancellationToken);
}
