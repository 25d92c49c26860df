namespace Sessions.Tests.Model;

public sealed class SessionStatusTests
{
    [Theory]
    [InlineData(SessionStatus.Active, SessionStatus.Active, false)]
    [InlineData(SessionStatus.Active, SessionStatus.Revoked, true)]
    [InlineData(SessionStatus.Active, SessionStatus.Expired, true)]
    [InlineData(SessionStatus.Revoked, SessionStatus.Active, false)]
    [InlineData(SessionStatus.Revoked, SessionStatus.Revoked, false)]
    [InlineData(SessionStatus.Revoked, SessionStatus.Expired, false)]
    [InlineData(SessionStatus.Expired, SessionStatus.Active, false)]
    [InlineData(SessionStatus.Expired, SessionStatus.Revoked, false)]
    [InlineData(SessionStatus.Expired, SessionStatus.Expired, false)]
    public void CanTransitionTo_allows_only_active_to_revoked_or_expired(SessionStatus from, SessionStatus to, bool allowed) =>
        from.CanTransitionTo(to).Should().Be(allowed);

    [Theory]
    [InlineData(SessionStatus.Active, false)]
    [InlineData(SessionStatus.Revoked, true)]
    [InlineData(SessionStatus.Expired, true)]
    public void IsTerminal_is_true_for_revoked_and_expired_only(SessionStatus status, bool terminal) =>
        status.IsTerminal().Should().Be(terminal);

    [Fact]
    public void A_terminal_status_can_transition_nowhere()
    {
        foreach (var from in Enum.GetValues<SessionStatus>().Where(s => s.IsTerminal()))
        {
            foreach (var to in Enum.GetValues<SessionStatus>())
            {
                from.CanTransitionTo(to).Should().BeFalse("{0} is terminal", from);
            }
        }
    }

    [Theory]
    [InlineData(SessionStatus.Active, "active")]
    [InlineData(SessionStatus.Revoked, "revoked")]
    [InlineData(SessionStatus.Expired, "expired")]
    public void ToStorageString_gives_the_stored_form_and_TryParseStorageString_reads_it_back(SessionStatus status, string stored)
    {
        status.ToStorageString().Should().Be(stored);

        SessionStatusExtensions.TryParseStorageString(stored, out var parsed).Should().BeTrue();
        parsed.Should().Be(status);
    }

    [Fact]
    public void Every_defined_status_round_trips_through_its_stored_form()
    {
        foreach (var status in Enum.GetValues<SessionStatus>())
        {
            SessionStatusExtensions.TryParseStorageString(status.ToStorageString(), out var parsed).Should().BeTrue();
            parsed.Should().Be(status);
        }
    }

    [Theory]
    [InlineData("Active")]
    [InlineData("ACTIVE")]
    [InlineData("Revoked")]
    [InlineData(" active")]
    [InlineData("active ")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("unknown")]
    [InlineData("0")]
    public void TryParseStorageString_rejects_anything_but_the_exact_lowercase_forms(string? stored)
    {
        SessionStatusExtensions.TryParseStorageString(stored, out var parsed).Should().BeFalse();
        parsed.Should().Be(default(SessionStatus));
    }

    [Fact]
    public void ToStorageString_of_an_undefined_value_throws_ArgumentOutOfRangeException()
    {
        var act = () => ((SessionStatus)42).ToStorageString();

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("status");
    }
}
