namespace Sessions.Tests.Conformance;

/// <summary>Expiry is terminal, judged on the stored copy; an expiry at the end of the calendar behaves like any other.</summary>
public abstract partial class SessionStoreConformanceTests
{
    [Fact]
    public async Task Update_that_keeps_a_session_Active_once_its_ExpiresAt_passed_throws_SessionExpiredException_and_changes_nothing()
    {
        var session = await CreateAsync(duration: TimeSpan.FromMinutes(10));
        Time.SetUtcNow(session.ExpiresAt);

        var error = (await FluentActions.Awaiting(() => Store.UpdateAsync(session with { ExpiresAt = session.ExpiresAt.AddHours(1) }))
            .Should().ThrowAsync<SessionExpiredException>()).Which;

        error.ExpiresAt.Should().Be(session.ExpiresAt);
        (await Store.GetAsync(session.Id)).Should().Be(session);
        await FluentActions.Awaiting(() => Store.TouchAsync(session.Id)).Should().ThrowAsync<SessionExpiredException>("expiry is terminal: no write makes it serve again");
    }

    [Fact]
    public async Task Update_one_tick_before_ExpiresAt_may_still_extend_the_session()
    {
        var session = await CreateAsync(duration: TimeSpan.FromMinutes(10));
        Time.SetUtcNow(session.ExpiresAt.AddTicks(-1));

        var extended = await Store.UpdateAsync(session with { ExpiresAt = session.ExpiresAt.AddHours(1) });

        extended.ExpiresAt.Should().Be(session.ExpiresAt.AddHours(1));
        Time.Advance(TimeSpan.FromMinutes(30));
        await Store.TouchAsync(session.Id);
    }

    [Theory]
    [InlineData(SessionStatus.Expired)]
    [InlineData(SessionStatus.Revoked)]
    public async Task Update_may_still_end_a_session_whose_ExpiresAt_passed(SessionStatus end)
    {
        var session = await CreateAsync(duration: TimeSpan.FromMinutes(10));
        Time.SetUtcNow(session.ExpiresAt.AddMinutes(5));
        var ended = end == SessionStatus.Expired ? session.Expire(Time.GetUtcNow()) : session.Revoke("ops", "late", Time.GetUtcNow());

        var stored = await Store.UpdateAsync(ended);

        stored.Status.Should().Be(end);
        stored.Version.Should().Be(session.Version + 1);
    }

    [Fact]
    public async Task Update_checks_ExpiresAt_against_the_stored_StartedAt_not_the_callers()
    {
        var session = await CreateAsync(duration: TimeSpan.FromHours(1));

        // The caller's StartedAt is not written, so it cannot make an ExpiresAt before the stored StartedAt valid.
        var forged = session with { StartedAt = session.StartedAt.AddDays(-1), ExpiresAt = session.StartedAt.AddMinutes(-1) };
        (await FluentActions.Awaiting(() => Store.UpdateAsync(forged)).Should().ThrowAsync<ArgumentException>())
            .Which.ParamName.Should().Be("session.ExpiresAt");
        (await Store.GetAsync(session.Id)).Should().Be(session);

        var atStart = session with { StartedAt = session.StartedAt.AddDays(-1), ExpiresAt = session.StartedAt };
        await FluentActions.Awaiting(() => Store.UpdateAsync(atStart)).Should().ThrowAsync<ArgumentException>();

        var justAfter = await Store.UpdateAsync(session with { StartedAt = session.StartedAt.AddDays(-1), ExpiresAt = session.StartedAt.AddTicks(1) });
        justAfter.StartedAt.Should().Be(session.StartedAt, "StartedAt is never written by Update");
        justAfter.ExpiresAt.Should().Be(session.StartedAt.AddTicks(1));
    }

    [Fact]
    public async Task A_session_expiring_at_DateTimeOffset_MaxValue_is_stored_served_listed_and_ended_like_any_other()
    {
        var session = NewSession() with { ExpiresAt = DateTimeOffset.MaxValue };

        var created = await Store.CreateAsync(session);

        created.ExpiresAt.Should().Be(DateTimeOffset.MaxValue);
        (await Store.GetAsync(session.Id)).Should().Be(created);
        await Store.TouchAsync(session.Id);
        (await Store.ListByUserAsync(User())).Items.Should().ContainSingle().Which.ExpiresAt.Should().Be(DateTimeOffset.MaxValue);
        var updated = await Store.UpdateAsync(created with { SourceIdentity = "later" });
        updated.ExpiresAt.Should().Be(DateTimeOffset.MaxValue);
        (await Store.ExpireStaleAsync(Time.GetUtcNow())).Failed.Should().Be(0);
        (await Store.GetAsync(session.Id)).Status.Should().Be(SessionStatus.Active);
        (await Store.RevokeAsync(session.Id, "ops", "end of time")).Status.Should().Be(SessionStatus.Revoked);
    }

    [Fact]
    public async Task A_time_range_reaching_the_ends_of_the_calendar_lists_without_overflow()
    {
        var session = await CreateAsync();

        var page = await Store.ListByTimeRangeAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, new PageRequest(1_000));

        page.Items.Should().NotBeEmpty();
        (await Store.ListByTimeRangeAsync(session.CreatedAt, session.CreatedAt.AddTicks(1))).Items.Should().Equal(session);
        (await Store.ListByTimeRangeAsync(DateTimeOffset.MaxValue, DateTimeOffset.MaxValue)).Items.Should().BeEmpty();
        (await Store.ListByTimeRangeAsync(DateTimeOffset.MinValue, DateTimeOffset.MinValue)).Items.Should().BeEmpty();
    }
}
