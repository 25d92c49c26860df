using Sessions.Cli.Errors;
using Sessions.Cli.Output;

namespace Sessions.Cli.CommandLine;

/// <summary>The one store query a <c>list</c> command line asks for, and how to describe it.</summary>
internal sealed class SessionQuery
{
    private readonly Func<ISessionStore, PageRequest, CancellationToken, Task<SessionPage>> _list;

    private SessionQuery(string description, Func<ISessionStore, PageRequest, CancellationToken, Task<SessionPage>> list)
    {
        Description = description;
        _list = list;
    }

    /// <summary>Gets what the query selects, for example <c>user alice</c>.</summary>
    public string Description { get; }

    /// <summary>Chooses the query from the filters; the store answers one key at a time, so filters do not combine.</summary>
    public static SessionQuery From(string? user, string? status, string? sessionProfile, string? since, string? until, DateTimeOffset now)
    {
        var filters = new[] { user is not null, status is not null, sessionProfile is not null, since is not null || until is not null }.Count(given => given);
        if (filters > 1)
        {
            throw new UsageException("use one filter at a time: --user, --status, --session-profile, or --since/--until");
        }

        if (user is not null)
        {
            return new($"user {SessionFormat.Quoted(user)}", (store, page, ct) => store.ListByUserAsync(user, page, ct));
        }

        if (sessionProfile is not null)
        {
            return new($"session profile {SessionFormat.Quoted(sessionProfile)}", (store, page, ct) => store.ListByProfileAsync(sessionProfile, page, ct));
        }

        if (since is not null || until is not null)
        {
            var from = since is null ? DateTimeOffset.MinValue : CommandLineValues.ParseTime("--since", since, now);
            var before = until is null ? DateTimeOffset.MaxValue : CommandLineValues.ParseTime("--until", until, now);
            if (before < from)
            {
                throw new UsageException($"--until ({SessionFormat.Time(before)}) is before --since ({SessionFormat.Time(from)})");
            }

            var description = (since, until) switch
            {
                (not null, not null) => $"created from {SessionFormat.Time(from)} to before {SessionFormat.Time(before)}",
                (not null, null) => $"created since {SessionFormat.Time(from)}",
                _ => $"created before {SessionFormat.Time(before)}",
            };
            return new(description, (store, page, ct) => store.ListByTimeRangeAsync(from, before, page, ct));
        }

        var wanted = SessionStatus.Active;
        if (status is not null && !SessionStatusExtensions.TryParseStorageString(status, out wanted))
        {
            throw new UsageException($"--status must be active, revoked or expired (got '{status}')");
        }

        return new($"status {wanted.ToStorageString()}", (store, page, ct) => store.ListByStatusAsync(wanted, page, ct));
    }

    public Task<SessionPage> ListAsync(ISessionStore store, PageRequest page, CancellationToken cancellationToken) => _list(store, page, cancellationToken);
}
