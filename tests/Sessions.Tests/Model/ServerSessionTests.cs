namespace Sessions.Tests.Model;

public sealed class ServerSessionTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 20, 2, 19, 9, 500, TimeSpan.Zero);

    private static ServerSession Session(SessionStatus status = SessionStatus.Active)
    {
        var session = ServerSession.Start("alice", "prod", "i-1", "svc-reader", TimeSpan.FromHours(1), Now) with { RequestCount = 7, Version = 3 };
        return status switch
        {
            SessionStatus.Revoked => session.Revoke("operator", "leaked", Now.AddMinutes(1)),
            SessionStatus.Expired => session.Expire(Now.AddMinutes(1)),
            _ => session,
        };
    }

    [Fact]
    public void Start_returns_an_active_session_with_a_fresh_id_and_every_timestamp_now()
    {
        var session = ServerSession.Start("alice", "prod", "i-1", "svc-reader", TimeSpan.FromMinutes(90), Now);

        SessionId.IsValid(session.Id).Should().BeTrue();
        session.User.Should().Be("alice");
        session.Profile.Should().Be("prod");
        session.ServerInstanceId.Should().Be("i-1");
        session.SourceIdentity.Should().Be("svc-reader");
        session.Status.Should().Be(SessionStatus.Active);
        session.StartedAt.Should().Be(Now);
        session.LastAccessAt.Should().Be(Now);
        session.CreatedAt.Should().Be(Now);
        session.UpdatedAt.Should().Be(Now);
        session.ExpiresAt.Should().Be(Now.AddMinutes(90));
        session.RequestCount.Should().Be(0);
        session.RevokedBy.Should().BeNull();
        session.RevokedReason.Should().BeNull();
        session.Version.Should().Be(0);
    }

    [Fact]
    public void Start_stores_every_timestamp_in_UTC_when_now_has_an_offset()
    {
        var local = new DateTimeOffset(2026, 1, 20, 4, 19, 9, TimeSpan.FromHours(2));

        var session = ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), local);

        foreach (var timestamp in new[] { session.StartedAt, session.LastAccessAt, session.CreatedAt, session.UpdatedAt, session.ExpiresAt })
        {
            timestamp.Offset.Should().Be(TimeSpan.Zero);
        }

        session.StartedAt.UtcTicks.Should().Be(local.UtcTicks);
        session.StartedAt.Hour.Should().Be(2);
        session.ExpiresAt.UtcTicks.Should().Be(local.AddHours(1).UtcTicks);
    }

    [Fact]
    public void Start_gives_each_session_its_own_id()
    {
        var first = ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), Now);
        var second = ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), Now);

        second.Id.Should().NotBe(first.Id);
    }

    [Fact]
    public void Start_accepts_an_empty_source_identity()
    {
        var session = ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), Now);

        session.SourceIdentity.Should().BeEmpty();
    }

    [Theory]
    [InlineData("", "prod", "i-1", "user")]
    [InlineData("alice", "", "i-1", "profile")]
    [InlineData("alice", "prod", "", "serverInstanceId")]
    public void Start_rejects_an_empty_key_field_naming_it(string user, string profile, string instance, string parameter)
    {
        var act = () => ServerSession.Start(user, profile, instance, string.Empty, TimeSpan.FromHours(1), Now);

        act.Should().Throw<ArgumentException>().WithParameterName(parameter);
    }

    [Theory]
    [InlineData(0, "user")]
    [InlineData(1, "profile")]
    [InlineData(2, "serverInstanceId")]
    public void Start_rejects_a_key_field_longer_than_1024_utf8_bytes_naming_it(int field, string parameter)
    {
        var keys = new[] { "alice", "prod", "i-1" };
        keys[field] = new string('x', 1025);

        var act = () => ServerSession.Start(keys[0], keys[1], keys[2], string.Empty, TimeSpan.FromHours(1), Now);

        act.Should().Throw<ArgumentException>().WithParameterName(parameter);
    }

    [Theory]
    [InlineData(0, "user")]
    [InlineData(1, "profile")]
    [InlineData(2, "serverInstanceId")]
    [InlineData(3, "sourceIdentity")]
    public void Start_rejects_a_null_field_with_ArgumentNullException(int field, string parameter)
    {
        var values = new string?[] { "alice", "prod", "i-1", "svc" };
        values[field] = null;

        var act = () => ServerSession.Start(values[0]!, values[1]!, values[2]!, values[3]!, TimeSpan.FromHours(1), Now);

        act.Should().Throw<ArgumentNullException>().WithParameterName(parameter);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-3_600_000_000_000)]
    public void Start_rejects_a_duration_that_is_not_positive(long ticks)
    {
        var act = () => ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromTicks(ticks), Now);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("duration");
    }

    [Fact]
    public void Start_rejects_a_duration_that_ends_after_the_latest_storable_time_naming_duration()
    {
        var act = () => ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.MaxValue, Now);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("duration");
        ServerSession.Start("alice", "prod", "i-1", string.Empty, DateTimeOffset.MaxValue - Now, Now).ExpiresAt.Should().Be(DateTimeOffset.MaxValue);
    }

    [Fact]
    public void Start_accepts_the_shortest_positive_duration()
    {
        var session = ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromTicks(1), Now);

        session.ExpiresAt.Should().Be(Now.AddTicks(1));
    }

    [Fact]
    public void Revoke_of_an_active_session_returns_a_revoked_copy_with_who_why_and_when()
    {
        var active = Session();
        var at = new DateTimeOffset(2026, 1, 20, 5, 0, 0, TimeSpan.FromHours(2));

        var revoked = active.Revoke("operator", "credentials leaked", at);

        revoked.Should().Be(active with
        {
            Status = SessionStatus.Revoked,
            RevokedBy = "operator",
            RevokedReason = "credentials leaked",
            UpdatedAt = at,
        });
        revoked.UpdatedAt.Offset.Should().Be(TimeSpan.Zero);
        active.Status.Should().Be(SessionStatus.Active, "a transition returns a new record");
    }

    [Fact]
    public void Revoke_accepts_an_empty_reason()
    {
        var revoked = Session().Revoke("operator", string.Empty, Now);

        revoked.RevokedReason.Should().BeEmpty();
    }

    [Fact]
    public void Revoke_rejects_an_empty_revoker_and_a_null_reason()
    {
        var active = Session();

        active.Invoking(s => s.Revoke(string.Empty, "why", Now)).Should().Throw<ArgumentException>().WithParameterName("revokedBy");
        active.Invoking(s => s.Revoke(null!, "why", Now)).Should().Throw<ArgumentNullException>().WithParameterName("revokedBy");
        active.Invoking(s => s.Revoke("operator", null!, Now)).Should().Throw<ArgumentNullException>().WithParameterName("reason");
    }

    [Fact]
    public void Expire_of_an_active_session_returns_an_expired_copy_updated_at_the_given_time()
    {
        var active = Session();
        var at = new DateTimeOffset(2026, 1, 20, 5, 0, 0, TimeSpan.FromHours(-5));

        var expired = active.Expire(at);

        expired.Should().Be(active with { Status = SessionStatus.Expired, UpdatedAt = at });
        expired.UpdatedAt.Offset.Should().Be(TimeSpan.Zero);
        expired.RevokedBy.Should().BeNull();
        expired.RevokedReason.Should().BeNull();
        active.Status.Should().Be(SessionStatus.Active, "a transition returns a new record");
    }

    [Theory]
    [InlineData(SessionStatus.Revoked)]
    [InlineData(SessionStatus.Expired)]
    public void Revoke_of_a_terminal_session_throws_InvalidSessionTransitionException(SessionStatus status)
    {
        var terminal = Session(status);

        var act = () => terminal.Revoke("operator", "again", Now.AddMinutes(2));

        var error = act.Should().Throw<InvalidSessionTransitionException>().Which;
        error.From.Should().Be(status);
        error.To.Should().Be(SessionStatus.Revoked);
        error.SessionId.Should().Be(terminal.Id);
        error.Message.Should().Contain(terminal.Id);
    }

    [Theory]
    [InlineData(SessionStatus.Revoked)]
    [InlineData(SessionStatus.Expired)]
    public void Expire_of_a_terminal_session_throws_InvalidSessionTransitionException(SessionStatus status)
    {
        var terminal = Session(status);

        var act = () => terminal.Expire(Now.AddMinutes(2));

        var error = act.Should().Throw<InvalidSessionTransitionException>().Which;
        error.From.Should().Be(status);
        error.To.Should().Be(SessionStatus.Expired);
        error.SessionId.Should().Be(terminal.Id);
    }

    [Fact]
    public void IsExpiredAt_is_false_before_ExpiresAt_and_true_from_ExpiresAt_on()
    {
        var session = Session();

        session.IsExpiredAt(session.ExpiresAt.AddTicks(-1)).Should().BeFalse();
        session.IsExpiredAt(session.ExpiresAt).Should().BeTrue();
        session.IsExpiredAt(session.ExpiresAt.AddTicks(1)).Should().BeTrue();
        session.IsExpiredAt(session.StartedAt).Should().BeFalse();
    }

    [Fact]
    public void IsExpiredAt_compares_instants_not_local_clock_readings()
    {
        var session = Session();
        var sameInstantElsewhere = session.ExpiresAt.ToOffset(TimeSpan.FromHours(-8));
        var tickBeforeElsewhere = session.ExpiresAt.AddTicks(-1).ToOffset(TimeSpan.FromHours(9));

        session.IsExpiredAt(sameInstantElsewhere).Should().BeTrue();
        session.IsExpiredAt(tickBeforeElsewhere).Should().BeFalse();
    }
}
