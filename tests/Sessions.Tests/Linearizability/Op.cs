namespace Sessions.Tests.Linearizability;

/// <summary>One call of the store in a history, on session <see cref="Target"/> of the scenario.</summary>
internal abstract record Op(int Target)
{
    public sealed record Create(int Target) : Op(Target);

    public sealed record Get(int Target) : Op(Target);

    public sealed record Touch(int Target) : Op(Target);

    /// <summary>An optimistic update at <see cref="Version"/>, moving ExpiresAt to StartedAt + <see cref="ExpiresAfterStart"/>.</summary>
    public sealed record Update(int Target, long Version, TimeSpan ExpiresAfterStart, string Source) : Op(Target);

    public sealed record Revoke(int Target, string By, string Reason) : Op(Target);

    public sealed record Expire(int Target) : Op(Target);

    public sealed record Delete(int Target) : Op(Target);

    // Sealed, so that the records below print this way too (and a failing history reads short).
    public sealed override string ToString() => this switch
    {
        Update u => $"Update(s{Target}, v{u.Version}, +{u.ExpiresAfterStart.TotalSeconds:0}s, {u.Source})",
        Revoke r => $"Revoke(s{Target}, {r.By}, {r.Reason})",
        _ => $"{GetType().Name}(s{Target})",
    };
}

/// <summary>What a call returned, as the model can tell it.</summary>
internal abstract record Outcome
{
    /// <summary>Touch and Delete succeeded.</summary>
    public sealed record Done : Outcome
    {
        public static Done Instance { get; } = new();

        public override string ToString() => "done";
    }

    /// <summary>Create, Get, Revoke or Expire returned this session.</summary>
    public sealed record Session(ModelSession Value) : Outcome
    {
        public override string ToString() => $"[{Value}]";
    }

    /// <summary>
    /// Update returned a session with these fields: the ones it writes. (When it recognises its own write after a lost
    /// answer, the Touch-owned fields it returns are those of the item as it is then, so the model does not compare them.)
    /// </summary>
    public sealed record Updated(SessionStatus Status, long Version, DateTimeOffset ExpiresAt, string SourceIdentity, DateTimeOffset UpdatedAt) : Outcome
    {
        public override string ToString() => $"[{Status} v{Version} exp={ModelSession.Time(ExpiresAt)} src={SourceIdentity} upd={ModelSession.Time(UpdatedAt)}]";
    }

    /// <summary>A typed refusal of the contract, with what it names (who revoked and why).</summary>
    public sealed record Refused(string Kind, string? Detail = null) : Outcome
    {
        public static Refused NotFound { get; } = new("not_found");

        public static Refused AlreadyExists { get; } = new("already_exists");

        public static Refused Expired { get; } = new("expired");

        public static Refused Conflict { get; } = new("conflict");

        public static Refused InvalidTransition { get; } = new("invalid_transition");

        public override string ToString() => Detail is null ? Kind : $"{Kind}({Detail})";
    }

    /// <summary>A provider fault after the SDK's retries: the call may or may not have taken effect, at any time after it began.</summary>
    public sealed record Unknown(string Why) : Outcome
    {
        public override string ToString() => $"unknown({Why})";
    }
}

/// <summary>One call in a history: who made it, when it began and ended (a shared counter), the clock it read, what it returned.</summary>
internal sealed record HistoryEntry(int Thread, Op Op, long Invoked, long Returned, DateTimeOffset? Now, Outcome Outcome)
{
    public override string ToString() =>
        $"t{Thread} [{Invoked,3}..{Returned,3}] {Op} at {(Now is { } now ? ModelSession.Time(now) : "-")} -> {Outcome}";
}
