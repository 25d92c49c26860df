namespace Sessions.Tests.Hosting;

/// <summary>A store that passes every call on to another; a test overrides the calls it wants to hold, count or fail.</summary>
internal abstract class DelegatingSessionStore(ISessionStore inner) : ISessionStore
{
    public virtual Task<ServerSession> CreateAsync(ServerSession session, CancellationToken cancellationToken = default) => inner.CreateAsync(session, cancellationToken);

    public virtual Task<ServerSession> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

    public virtual Task<ServerSession> UpdateAsync(ServerSession session, CancellationToken cancellationToken = default) => inner.UpdateAsync(session, cancellationToken);

    public virtual Task DeleteAsync(string id, CancellationToken cancellationToken = default) => inner.DeleteAsync(id, cancellationToken);

    public virtual Task TouchAsync(string id, CancellationToken cancellationToken = default) => inner.TouchAsync(id, cancellationToken);

    public virtual Task<ServerSession> RevokeAsync(string id, string revokedBy, string reason, CancellationToken cancellationToken = default) => inner.RevokeAsync(id, revokedBy, reason, cancellationToken);

    public virtual Task<ServerSession> ExpireAsync(string id, CancellationToken cancellationToken = default) => inner.ExpireAsync(id, cancellationToken);

    public virtual Task<ServerSession?> FindActiveByServerInstanceAsync(string serverInstanceId, CancellationToken cancellationToken = default) => inner.FindActiveByServerInstanceAsync(serverInstanceId, cancellationToken);

    public virtual Task<SessionPage> ListByUserAsync(string user, PageRequest? page = null, CancellationToken cancellationToken = default) => inner.ListByUserAsync(user, page, cancellationToken);

    public virtual Task<SessionPage> ListByStatusAsync(SessionStatus status, PageRequest? page = null, CancellationToken cancellationToken = default) => inner.ListByStatusAsync(status, page, cancellationToken);

    public virtual Task<SessionPage> ListByProfileAsync(string profile, PageRequest? page = null, CancellationToken cancellationToken = default) => inner.ListByProfileAsync(profile, page, cancellationToken);

    public virtual Task<SessionPage> ListByTimeRangeAsync(DateTimeOffset createdFrom, DateTimeOffset createdBefore, PageRequest? page = null, CancellationToken cancellationToken = default) =>
        inner.ListByTimeRangeAsync(createdFrom, createdBefore, page, cancellationToken);
}
