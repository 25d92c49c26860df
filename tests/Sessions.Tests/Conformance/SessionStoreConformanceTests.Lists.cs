namespace Sessions.Tests.Conformance;

public abstract partial class SessionStoreConformanceTests
{
    [Fact]
    public async Task FindActiveByServerInstance_returns_null_when_the_instance_has_no_active_session()
    {
        var revoked = await CreateAsync();
        await Store.RevokeAsync(revoked.Id, "admin", "test");

        (await Store.FindActiveByServerInstanceAsync(Instance())).Should().BeNull();
        (await Store.FindActiveByServerInstanceAsync(Instance("unknown"))).Should().BeNull();
    }

    [Fact]
    public async Task FindActiveByServerInstance_returns_the_active_one_among_revoked_expired_and_active()
    {
        var revoked = await CreateAsync();
        var active = await CreateAsync();
        var expired = await CreateAsync();
        await Store.RevokeAsync(revoked.Id, "admin", "test");
        await Store.ExpireAsync(expired.Id);
        await CreateAsync(instance: Instance("other"));

        var found = await Store.FindActiveByServerInstanceAsync(Instance());

        found.Should().Be(active);
    }

    [Fact]
    public async Task FindActiveByServerInstance_returns_the_newest_when_several_are_active()
    {
        await CreateAsync();
        var newest = await CreateAsync();

        (await Store.FindActiveByServerInstanceAsync(Instance())).Should().Be(newest);
    }

    [Fact]
    public async Task ListByUser_returns_only_that_users_sessions_newest_first()
    {
        var mine = new[] { await CreateAsync(), await CreateAsync(), await CreateAsync() };
        await CreateAsync(user: User("bob"));

        var page = await Store.ListByUserAsync(User());

        page.Items.Should().Equal(mine.Reverse());
        page.ContinuationToken.Should().BeNull();
    }

    [Fact]
    public async Task ListByUser_of_an_unknown_user_is_an_empty_last_page()
    {
        var page = await Store.ListByUserAsync(User("nobody"));

        page.Items.Should().BeEmpty();
        page.ContinuationToken.Should().BeNull();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(5_000)]
    public async Task ListByUser_paging_over_250_sessions_returns_each_exactly_once_newest_first(int limit)
    {
        var sessions = await CreateManyAsync(250, _ => NewSession());

        var all = await WalkAsync(page => Store.ListByUserAsync(User(), page), limit);

        all.Select(s => s.Id).Should().Equal(sessions.Reverse().Select(s => s.Id));
    }

    [Fact]
    public async Task ListByUser_paging_returns_sessions_with_equal_CreatedAt_exactly_once()
    {
        var at = Time.GetUtcNow();
        var sessions = Enumerable.Range(0, 25).Select(_ => NewSession() with { CreatedAt = at }).ToList();
        foreach (var session in sessions)
        {
            await Store.CreateAsync(session);
        }

        var all = await WalkAsync(page => Store.ListByUserAsync(User(), page), 4);

        all.Select(s => s.Id).Should().BeEquivalentTo(sessions.Select(s => s.Id));
        all.Should().OnlyHaveUniqueItems(s => s.Id);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(100)]
    public async Task ListByProfile_paging_over_250_sessions_returns_each_exactly_once_newest_first(int limit)
    {
        var sessions = await CreateManyAsync(250, i => NewSession(user: User($"u{i % 5}")));
        await CreateAsync(profile: Profile("other"));

        var all = await WalkAsync(page => Store.ListByProfileAsync(Profile(), page), limit);

        all.Select(s => s.Id).Should().Equal(sessions.Reverse().Select(s => s.Id));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1_000)]
    public async Task ListByStatus_paging_returns_each_session_in_that_status_exactly_once_newest_first(int limit)
    {
        var sessions = await CreateManyAsync(250, _ => NewSession());
        var revoked = sessions.Where((_, i) => i % 10 == 0).ToList();
        foreach (var session in revoked)
        {
            await Store.RevokeAsync(session.Id, "admin", "test");
        }

        var active = await WalkAsync(page => Store.ListByStatusAsync(SessionStatus.Active, page), limit);
        var revokedList = await WalkAsync(page => Store.ListByStatusAsync(SessionStatus.Revoked, page), limit);

        active.Should().OnlyHaveUniqueItems(s => s.Id).And.OnlyContain(s => s.Status == SessionStatus.Active);
        ShouldBeNewestFirst(active);
        active.Where(s => s.User == User()).Select(s => s.Id).Should().Equal(sessions.Except(revoked).Reverse().Select(s => s.Id));
        revokedList.Should().OnlyHaveUniqueItems(s => s.Id).And.OnlyContain(s => s.Status == SessionStatus.Revoked);
        revokedList.Where(s => s.User == User()).Select(s => s.Id).Should().Equal(revoked.AsEnumerable().Reverse().Select(s => s.Id));
    }

    [Fact]
    public async Task ListByStatus_never_returns_a_session_that_left_the_status()
    {
        var session = await CreateAsync();
        await Store.RevokeAsync(session.Id, "admin", "just now");

        var active = await WalkAsync(page => Store.ListByStatusAsync(SessionStatus.Active, page), 1_000);
        var revoked = await WalkAsync(page => Store.ListByStatusAsync(SessionStatus.Revoked, page), 1_000);

        active.Should().NotContain(s => s.Id == session.Id);
        revoked.Should().ContainSingle(s => s.Id == session.Id).Which.Status.Should().Be(SessionStatus.Revoked);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(100)]
    public async Task ListByTimeRange_returns_sessions_of_every_status_in_the_range_exactly_once_newest_first(int limit)
    {
        var from = Time.GetUtcNow();
        var sessions = await CreateManyAsync(250, i => NewSession(user: User($"u{i % 3}")));
        for (var i = 0; i < sessions.Count; i += 3)
        {
            await Store.RevokeAsync(sessions[i].Id, "admin", "test");
        }

        for (var i = 1; i < sessions.Count; i += 5)
        {
            if (i % 3 != 0)
            {
                await Store.ExpireAsync(sessions[i].Id);
            }
        }

        var to = Time.GetUtcNow();
        await CreateAsync();

        var all = await WalkAsync(page => Store.ListByTimeRangeAsync(from, to, page), limit);

        all.Select(s => s.Id).Should().Equal(sessions.Reverse().Select(s => s.Id));
        all.Select(s => s.Status).Distinct().Should().HaveCount(3);
    }

    [Fact]
    public async Task ListByTimeRange_includes_its_start_and_excludes_its_end()
    {
        var before = await CreateAsync();
        var first = await CreateAsync();
        var middle = await CreateAsync();
        var end = await CreateAsync();

        var page = await Store.ListByTimeRangeAsync(first.CreatedAt, end.CreatedAt);

        page.Items.Should().Equal(middle, first);
        page.Items.Should().NotContain(before);
    }

    [Fact]
    public async Task ListByTimeRange_of_an_empty_range_is_empty_and_a_reversed_range_throws()
    {
        var session = await CreateAsync();

        (await Store.ListByTimeRangeAsync(session.CreatedAt, session.CreatedAt)).Items.Should().BeEmpty();
        await FluentActions.Awaiting(() => Store.ListByTimeRangeAsync(session.CreatedAt, session.CreatedAt.AddTicks(-1)))
            .Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Page_limits_out_of_range_fall_back_to_the_default_or_the_cap()
    {
        await CreateManyAsync(1_001, _ => NewSession());

        (await Store.ListByUserAsync(User(), new PageRequest(0))).Items.Should().HaveCount(100);
        (await Store.ListByUserAsync(User(), new PageRequest(-1))).Items.Should().HaveCount(100);
        (await Store.ListByUserAsync(User())).Items.Should().HaveCount(100);
        var capped = await Store.ListByUserAsync(User(), new PageRequest(int.MaxValue));
        capped.Items.Should().HaveCount(1_000);
        capped.ContinuationToken.Should().NotBeNull();
        (await Store.ListByUserAsync(User(), new PageRequest(1_001, capped.ContinuationToken))).Items.Should().ContainSingle();
    }

    [Fact]
    public async Task A_token_from_another_query_is_rejected_with_ArgumentException()
    {
        await CreateManyAsync(3, _ => NewSession());
        await CreateManyAsync(3, _ => NewSession(user: User("bob")));
        var token = (await Store.ListByUserAsync(User(), new PageRequest(1))).ContinuationToken!;
        token.Should().NotBeNull();

        await FluentActions.Awaiting(() => Store.ListByUserAsync(User("bob"), new PageRequest(1, token))).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => Store.ListByProfileAsync(Profile(), new PageRequest(1, token))).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => Store.ListByStatusAsync(SessionStatus.Active, new PageRequest(1, token))).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => Store.ListByTimeRangeAsync(DateTimeOffset.UnixEpoch, Time.GetUtcNow(), new PageRequest(1, token))).Should().ThrowAsync<ArgumentException>();

        var activeToken = (await Store.ListByStatusAsync(SessionStatus.Active, new PageRequest(1))).ContinuationToken!;
        await FluentActions.Awaiting(() => Store.ListByStatusAsync(SessionStatus.Revoked, new PageRequest(1, activeToken))).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Truncated_tampered_and_made_up_tokens_are_rejected_with_ArgumentException()
    {
        await CreateManyAsync(3, _ => NewSession());
        var token = (await Store.ListByUserAsync(User(), new PageRequest(1))).ContinuationToken!;
        var tampered = new List<string>
        {
            token[..^1],
            token[..(token.Length / 2)],
            token + "A",
            "not a token",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            Convert.ToBase64String(Guid.NewGuid().ToByteArray()),
            new string('A', 1_000_000),
            string.Empty,
        };
        for (var i = 0; i < token.Length; i += 3)
        {
            var chars = token.ToCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            tampered.Add(new string(chars));
        }

        foreach (var bad in tampered)
        {
            await FluentActions.Awaiting(() => Store.ListByUserAsync(User(), new PageRequest(1, bad)))
                .Should().ThrowAsync<ArgumentException>("token '{0}' is not the store's", bad.Length > 60 ? bad[..60] : bad);
        }
    }

    [Fact]
    public async Task List_arguments_are_validated()
    {
        await FluentActions.Awaiting(() => Store.ListByUserAsync(string.Empty)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => Store.ListByUserAsync(null!)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => Store.ListByProfileAsync(new string('p', 1_025))).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => Store.ListByStatusAsync((SessionStatus)42)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => Store.FindActiveByServerInstanceAsync(string.Empty)).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task RevokeAllForUser_revokes_every_active_session_of_the_user_and_counts_them()
    {
        var sessions = await CreateManyAsync(130, _ => NewSession());
        await Store.RevokeAsync(sessions[0].Id, "admin", "earlier");
        await Store.ExpireAsync(sessions[1].Id);
        var other = await CreateAsync(user: User("bob"));

        var result = await Store.RevokeAllForUserAsync(User(), "security", "offboarding");

        result.Changed.Should().Be(128);
        result.Skipped.Should().Be(0);
        result.FailedIds.Should().BeEmpty();
        var all = await WalkAsync(page => Store.ListByUserAsync(User(), page), 1_000);
        all.Count(s => s.Status == SessionStatus.Revoked && s.RevokedBy == "security").Should().Be(128);
        all.Should().NotContain(s => s.Status == SessionStatus.Active);
        (await Store.GetAsync(sessions[0].Id)).RevokedBy.Should().Be("admin");
        (await Store.GetAsync(other.Id)).Status.Should().Be(SessionStatus.Active);
        (await Store.RevokeAllForUserAsync(User(), "security", "again")).Changed.Should().Be(0);
    }

    [Fact]
    public async Task ExpireStale_expires_only_active_sessions_past_their_ExpiresAt()
    {
        var shortLived = await CreateManyAsync(12, _ => NewSession(duration: TimeSpan.FromMinutes(1)));
        var longLived = await CreateAsync(duration: TimeSpan.FromDays(1));
        await Store.RevokeAsync(shortLived[0].Id, "admin", "test");
        Time.Advance(TimeSpan.FromMinutes(2));

        var result = await Store.ExpireStaleAsync(Time.GetUtcNow());

        result.FailedIds.Should().BeEmpty();
        result.Changed.Should().BeGreaterThanOrEqualTo(11, "sessions of other tests sharing the store may be stale too");
        foreach (var session in shortLived.Skip(1))
        {
            (await Store.GetAsync(session.Id)).Status.Should().Be(SessionStatus.Expired);
        }

        (await Store.GetAsync(shortLived[0].Id)).Status.Should().Be(SessionStatus.Revoked);
        (await Store.GetAsync(longLived.Id)).Status.Should().Be(SessionStatus.Active);
    }

    [Fact]
    public async Task Maintenance_stops_when_cancelled()
    {
        await CreateManyAsync(5, _ => NewSession());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(() => Store.RevokeAllForUserAsync(User(), "admin", "test", cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        (await Store.ListByUserAsync(User())).Items.Should().OnlyContain(s => s.Status == SessionStatus.Active);
    }
}
