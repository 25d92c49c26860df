using System.Collections.Immutable;

namespace Sessions.Tests.Linearizability;

/// <summary>One session as the model keeps it: every field a write of the store may change.</summary>
internal sealed record ModelSession(
    SessionStatus Status,
    long Version,
    long RequestCount,
    DateTimeOffset LastAccessAt,
    DateTimeOffset ExpiresAt,
    string SourceIdentity,
    string? RevokedBy,
    string? RevokedReason,
    DateTimeOffset UpdatedAt)
{
    public static ModelSession Of(ServerSession session) => new(
        session.Status, session.Version, session.RequestCount, session.LastAccessAt, session.ExpiresAt,
        session.SourceIdentity, session.RevokedBy, session.RevokedReason, session.UpdatedAt);

    public override string ToString() =>
        $"{Status} v{Version} n{RequestCount} last={Time(LastAccessAt)} exp={Time(ExpiresAt)} src={SourceIdentity} by={RevokedBy ?? "-"} why={RevokedReason ?? "-"} upd={Time(UpdatedAt)}";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The sessions of one scenario as a plain sequential state machine: what a linearizable store shows after the
/// operations applied in some order. Written from the contract (DESIGN §1–2), not from the stores' code.
/// </summary>
internal sealed class SessionModel(IReadOnlyList<ServerSession> templates)
{
    /// <summary>Gets the sessions as first created (Version 1), one per target.</summary>
    public IReadOnlyList<ServerSession> Templates { get; } = templates;

    /// <summary>The state before anything happened: no session exists.</summary>
    public ImmutableArray<ModelSession?> Empty => [.. Templates.Select(_ => (ModelSession?)null)];

    /// <summary>
    /// What a call that never read the clock would have to return where its outcome depends on the time: nothing it
    /// could return. A store reads the clock before it writes, so such a call did not write there.
    /// </summary>
    public static readonly Outcome NoClock = new Outcome.Refused("(the call read no clock, so it wrote nothing)");

    /// <summary>The state after one operation, and the outcome it must have, at the clock value <paramref name="now"/> it read.</summary>
    public (ImmutableArray<ModelSession?> State, Outcome Outcome) Apply(ImmutableArray<ModelSession?> state, Op op, DateTimeOffset? now)
    {
        if (now is null && op is Op.Touch or Op.Update or Op.Revoke or Op.Expire && state[op.Target] is { Status: SessionStatus.Active })
        {
            return (state, NoClock);
        }

        var target = op.Target;
        var stored = state[target];
        var template = Templates[target];
        switch (op)
        {
            case Op.Create:
            {
                var created = ModelSession.Of(template with { Version = 1 });
                return stored is null ? (state.SetItem(target, created), new Outcome.Session(created))
                    : stored == created ? (state, new Outcome.Session(created))
                    : (state, Outcome.Refused.AlreadyExists);
            }

            case Op.Get:
                return (state, stored is null ? Outcome.Refused.NotFound : new Outcome.Session(stored));

            case Op.Touch:
                if (stored is null)
                {
                    return (state, Outcome.Refused.NotFound);
                }

                if (stored.Status != SessionStatus.Active || stored.ExpiresAt <= Required(now))
                {
                    return (state, Refusal(stored));
                }

                return (state.SetItem(target, stored with { RequestCount = stored.RequestCount + 1, LastAccessAt = Required(now) }), Outcome.Done.Instance);

            case Op.Update update:
            {
                if (stored is null)
                {
                    return (state, Outcome.Refused.NotFound);
                }

                if (stored.Status != SessionStatus.Active)
                {
                    return (state, Outcome.Refused.InvalidTransition);
                }

                if (stored.Version != update.Version)
                {
                    return (state, Outcome.Refused.Conflict);
                }

                if (stored.ExpiresAt <= Required(now))
                {
                    return (state, Outcome.Refused.Expired);
                }

                var updated = stored with
                {
                    ExpiresAt = template.StartedAt + update.ExpiresAfterStart,
                    SourceIdentity = update.Source,
                    UpdatedAt = Required(now),
                    Version = stored.Version + 1,
                };
                return (state.SetItem(target, updated), new Outcome.Updated(updated.Status, updated.Version, updated.ExpiresAt, updated.SourceIdentity, updated.UpdatedAt));
            }

            case Op.Revoke revoke:
                if (stored is null)
                {
                    return (state, Outcome.Refused.NotFound);
                }

                if (stored is { Status: SessionStatus.Revoked } && stored.RevokedBy == revoke.By && stored.RevokedReason == revoke.Reason)
                {
                    // The same revocation again (a caller's retry): the stored copy, unchanged.
                    return (state, new Outcome.Session(stored));
                }

                if (stored.Status != SessionStatus.Active)
                {
                    return (state, Refusal(stored));
                }

                var revoked = stored with
                {
                    Status = SessionStatus.Revoked, RevokedBy = revoke.By, RevokedReason = revoke.Reason, UpdatedAt = Required(now), Version = stored.Version + 1,
                };
                return (state.SetItem(target, revoked), new Outcome.Session(revoked));

            case Op.Expire:
                if (stored is null)
                {
                    return (state, Outcome.Refused.NotFound);
                }

                if (stored.Status != SessionStatus.Active)
                {
                    return (state, Refusal(stored));
                }

                var expired = stored with { Status = SessionStatus.Expired, UpdatedAt = Required(now), Version = stored.Version + 1 };
                return (state.SetItem(target, expired), new Outcome.Session(expired));

            case Op.Delete:
                return (state.SetItem(target, null), Outcome.Done.Instance);

            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown operation.");
        }
    }

    /// <summary>Why a session that is not Active (or is past its ExpiresAt) refuses a Touch, a Revoke or an Expire.</summary>
    private static Outcome Refusal(ModelSession stored) => stored.Status switch
    {
        SessionStatus.Revoked => new Outcome.Refused("revoked", $"{stored.RevokedBy}|{stored.RevokedReason}"),
        _ => Outcome.Refused.Expired,
    };

    private static DateTimeOffset Required(DateTimeOffset? now) =>
        now ?? throw new InvalidOperationException("Unreachable: Apply answers NoClock first.");
}
