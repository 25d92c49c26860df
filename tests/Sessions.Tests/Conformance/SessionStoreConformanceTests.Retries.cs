namespace Sessions.Tests.Conformance;

/// <summary>
/// Repeated calls, as a retry after a lost answer makes them: a Create that finds exactly its own session and a Revoke
/// that finds its own revocation succeed with the stored copy; anything else is still refused.
/// </summary>
public abstract partial class SessionStoreConformanceTests
{
    [Fact]
    public async Task Create_repeated_with_the_identical_session_returns_the_stored_copy_and_changes_nothing()
    {
        var session = NewSession();
        var first = await Store.CreateAsync(session);

        var again = await Store.CreateAsync(session);

        again.Should().Be(first);
        (await Store.GetAsync(session.Id)).Should().Be(first);
    }

    [Fact]
    public async Task Create_repeated_after_a_touch_throws_SessionAlreadyExistsException_and_keeps_the_touch()
    {
        var session = NewSession();
        await Store.CreateAsync(session);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.TouchAsync(session.Id);
        var touched = await Store.GetAsync(session.Id);

        var act = () => Store.CreateAsync(session);

        (await act.Should().ThrowAsync<SessionAlreadyExistsException>()).Which.SessionId.Should().Be(session.Id);
        (await Store.GetAsync(session.Id)).Should().Be(touched);
    }

    public static TheoryData<string> OneFieldChanged => new()
    {
        nameof(ServerSession.User),
        nameof(ServerSession.Profile),
        nameof(ServerSession.ServerInstanceId),
        nameof(ServerSession.SourceIdentity),
        nameof(ServerSession.StartedAt),
        nameof(ServerSession.ExpiresAt),
        nameof(ServerSession.CreatedAt),
        nameof(ServerSession.LastAccessAt),
        nameof(ServerSession.RequestCount),
    };

    [Theory]
    [MemberData(nameof(OneFieldChanged))]
    public async Task Create_with_the_same_id_and_one_field_changed_throws_SessionAlreadyExistsException(string field)
    {
        var session = NewSession();
        var first = await Store.CreateAsync(session);
        var other = field switch
        {
            nameof(ServerSession.User) => session with { User = User("mallory") },
            nameof(ServerSession.Profile) => session with { Profile = Profile("other") },
            nameof(ServerSession.ServerInstanceId) => session with { ServerInstanceId = Instance("i-2") },
            nameof(ServerSession.SourceIdentity) => session with { SourceIdentity = session.SourceIdentity + "x" },
            nameof(ServerSession.StartedAt) => session with { StartedAt = session.StartedAt.AddTicks(-1) },
            nameof(ServerSession.ExpiresAt) => session with { ExpiresAt = session.ExpiresAt.AddTicks(1) },
            nameof(ServerSession.CreatedAt) => session with { CreatedAt = session.CreatedAt.AddTicks(1) },
            nameof(ServerSession.LastAccessAt) => session with { LastAccessAt = session.LastAccessAt.AddTicks(1) },
            nameof(ServerSession.RequestCount) => session with { RequestCount = 1 },
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "No such field."),
        };
        other.Should().NotBe(session);

        var act = () => Store.CreateAsync(other);

        (await act.Should().ThrowAsync<SessionAlreadyExistsException>()).Which.SessionId.Should().Be(session.Id);
        (await Store.GetAsync(session.Id)).Should().Be(first);
    }

    [Fact]
    public async Task Create_repeated_after_the_session_was_revoked_throws_SessionAlreadyExistsException()
    {
        var session = NewSession();
        await Store.CreateAsync(session);
        var revoked = await Store.RevokeAsync(session.Id, "ops", "leak");

        var act = () => Store.CreateAsync(session);

        await act.Should().ThrowAsync<SessionAlreadyExistsException>();
        (await Store.GetAsync(session.Id)).Should().Be(revoked);
    }

    [Fact]
    public async Task Revoke_repeated_with_the_same_revoker_and_reason_returns_the_stored_revocation_unchanged()
    {
        var stored = await CreateAsync();
        var first = await Store.RevokeAsync(stored.Id, "ops@example.com", "key leaked");
        Time.Advance(TimeSpan.FromSeconds(1));

        var again = await Store.RevokeAsync(stored.Id, "ops@example.com", "key leaked");

        again.Should().Be(first);
        again.Version.Should().Be(first.Version);
        again.UpdatedAt.Should().Be(first.UpdatedAt);
        (await Store.GetAsync(stored.Id)).Should().Be(first);
    }

    [Theory]
    [InlineData("ops@example.com", "another reason")]
    [InlineData("other@example.com", "key leaked")]
    [InlineData("OPS@example.com", "key leaked")]
    [InlineData("ops@example.com", "key leaked ")]
    public async Task Revoke_repeated_with_another_revoker_or_reason_throws_SessionRevokedException_naming_the_first(string revokedBy, string reason)
    {
        var stored = await CreateAsync();
        var first = await Store.RevokeAsync(stored.Id, "ops@example.com", "key leaked");

        var act = () => Store.RevokeAsync(stored.Id, revokedBy, reason);

        var error = (await act.Should().ThrowAsync<SessionRevokedException>()).Which;
        error.RevokedBy.Should().Be("ops@example.com");
        error.RevokedReason.Should().Be("key leaked");
        (await Store.GetAsync(stored.Id)).Should().Be(first);
    }

    [Fact]
    public async Task Revoke_of_an_expired_session_throws_SessionExpiredException_whoever_asks()
    {
        var stored = await CreateAsync();
        var expired = await Store.ExpireAsync(stored.Id);

        var act = () => Store.RevokeAsync(stored.Id, "ops", string.Empty);

        await act.Should().ThrowAsync<SessionExpiredException>();
        (await Store.GetAsync(stored.Id)).Should().Be(expired);
    }
}
