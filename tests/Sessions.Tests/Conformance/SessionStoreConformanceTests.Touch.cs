namespace Sessions.Tests.Conformance;

public abstract partial class SessionStoreConformanceTests
{
    [Fact]
    public async Task Touch_sets_LastAccessAt_to_now_and_adds_one_request_without_changing_Version_or_UpdatedAt()
    {
        var stored = await CreateAsync();
        Time.Advance(TimeSpan.FromSeconds(30));

        await Store.TouchAsync(stored.Id);
        await Store.TouchAsync(stored.Id);

        (await Store.GetAsync(stored.Id)).Should().Be(stored with { LastAccessAt = Time.GetUtcNow(), RequestCount = 2 });
    }

    [Fact]
    public async Task Touch_of_a_session_whose_count_is_at_its_largest_value_is_refused_as_corrupt_and_the_count_never_wraps()
    {
        var stored = await Store.CreateAsync(NewSession() with { RequestCount = long.MaxValue });

        var error = (await FluentActions.Awaiting(() => Store.TouchAsync(stored.Id)).Should().ThrowAsync<SessionCorruptException>()).Which;

        error.AttributeName.Should().Be("request_count");
        error.SessionId.Should().Be(stored.Id);
        (await Store.GetAsync(stored.Id)).RequestCount.Should().Be(long.MaxValue);
        (await Store.RevokeAsync(stored.Id, "ops", "counter at its end")).Status.Should().Be(SessionStatus.Revoked, "revocation still works");
    }

    [Fact]
    public async Task Touch_of_a_missing_session_throws_SessionNotFoundException()
    {
        var act = () => Store.TouchAsync(SessionId.New());

        await act.Should().ThrowAsync<SessionNotFoundException>();
    }

    [Fact]
    public async Task Touch_after_revoke_throws_SessionRevokedException_and_counts_nothing()
    {
        var stored = await CreateAsync();
        await Store.TouchAsync(stored.Id);
        await Store.RevokeAsync(stored.Id, "admin", "compromised");

        var act = () => Store.TouchAsync(stored.Id);

        var error = (await act.Should().ThrowAsync<SessionRevokedException>()).Which;
        error.SessionId.Should().Be(stored.Id);
        (await Store.GetAsync(stored.Id)).RequestCount.Should().Be(1);
    }

    [Fact]
    public async Task Touch_after_expire_throws_SessionExpiredException()
    {
        var stored = await CreateAsync();
        await Store.ExpireAsync(stored.Id);

        var act = () => Store.TouchAsync(stored.Id);

        await act.Should().ThrowAsync<SessionExpiredException>();
        (await Store.GetAsync(stored.Id)).RequestCount.Should().Be(0);
    }

    [Fact]
    public async Task Touch_succeeds_until_ExpiresAt_and_throws_SessionExpiredException_from_ExpiresAt_on()
    {
        var stored = await CreateAsync(duration: TimeSpan.FromMinutes(10));
        Time.SetUtcNow(stored.ExpiresAt.AddTicks(-1));
        await Store.TouchAsync(stored.Id);

        Time.SetUtcNow(stored.ExpiresAt);
        var act = () => Store.TouchAsync(stored.Id);

        (await act.Should().ThrowAsync<SessionExpiredException>()).Which.SessionId.Should().Be(stored.Id);
        var after = await Store.GetAsync(stored.Id);
        after.RequestCount.Should().Be(1);
        after.LastAccessAt.Should().Be(stored.ExpiresAt.AddTicks(-1));
        after.Status.Should().Be(SessionStatus.Active, "time alone does not change the stored status; the sweeper does");
    }

    [Fact]
    public async Task Parallel_touches_leave_exact_counts()
    {
        var sessions = new List<ServerSession>();
        for (var i = 0; i < 10; i++)
        {
            sessions.Add(await CreateAsync());
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, 1_000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await Store.TouchAsync(sessions[i % 10].Id, ct));

        foreach (var session in sessions)
        {
            (await Store.GetAsync(session.Id)).RequestCount.Should().Be(100);
        }
    }

    [Fact]
    public async Task Revoke_during_a_storm_of_touches_succeeds_at_the_first_try_and_every_later_touch_throws_SessionRevokedException()
    {
        var stored = await CreateAsync();
        long succeeded = 0;
        long startedAfterRevoke = 0;
        long succeededAfterRevoke = 0;
        var revoked = 0;
        using var warmedUp = new SemaphoreSlim(0);

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                await Task.Yield(); // a store that completes synchronously must not starve the test's own continuation
                var afterRevoke = Volatile.Read(ref revoked) == 1;
                try
                {
                    await Store.TouchAsync(stored.Id);
                    if (Interlocked.Increment(ref succeeded) == 50)
                    {
                        warmedUp.Release();
                    }

                    if (afterRevoke)
                    {
                        Interlocked.Increment(ref succeededAfterRevoke);
                    }
                }
                catch (SessionRevokedException)
                {
                    if (afterRevoke)
                    {
                        Interlocked.Increment(ref startedAfterRevoke);
                    }

                    return;
                }
            }
        })).ToList();

        (await warmedUp.WaitAsync(TimeSpan.FromSeconds(60))).Should().BeTrue("the workers must get going");
        var result = await Store.RevokeAsync(stored.Id, "admin", "storm");
        Volatile.Write(ref revoked, 1);
        await Task.WhenAll(workers);

        result.Status.Should().Be(SessionStatus.Revoked);
        Interlocked.Read(ref succeededAfterRevoke).Should().Be(0, "no touch that starts after the revocation returned may succeed");
        var final = await Store.GetAsync(stored.Id);
        final.Status.Should().Be(SessionStatus.Revoked);
        final.RequestCount.Should().Be(Interlocked.Read(ref succeeded), "every successful touch is counted, and nothing else");
        await FluentActions.Awaiting(() => Store.TouchAsync(stored.Id)).Should().ThrowAsync<SessionRevokedException>();
    }

    [Fact]
    public async Task Revoke_moves_an_active_session_to_Revoked_with_who_and_why()
    {
        var stored = await CreateAsync();
        await Store.TouchAsync(stored.Id);
        Time.Advance(TimeSpan.FromMinutes(1));

        var revoked = await Store.RevokeAsync(stored.Id, "ops@example.com", "key leaked");

        revoked.Should().Be(stored with
        {
            Status = SessionStatus.Revoked,
            RevokedBy = "ops@example.com",
            RevokedReason = "key leaked",
            UpdatedAt = Time.GetUtcNow(),
            Version = 2,
            RequestCount = 1,
            LastAccessAt = stored.CreatedAt.AddMilliseconds(1),
        });
        (await Store.GetAsync(stored.Id)).Should().Be(revoked);
    }

    [Fact]
    public async Task Revoke_of_a_revoked_session_throws_SessionRevokedException_and_keeps_the_first_revocation()
    {
        var stored = await CreateAsync();
        var first = await Store.RevokeAsync(stored.Id, "alice", "first");

        var act = () => Store.RevokeAsync(stored.Id, "bob", "second");

        (await act.Should().ThrowAsync<SessionRevokedException>()).Which.RevokedBy.Should().Be("alice");
        (await Store.GetAsync(stored.Id)).Should().Be(first);
    }

    [Fact]
    public async Task Revoke_of_an_expired_session_throws_SessionExpiredException()
    {
        var stored = await CreateAsync();
        var expired = await Store.ExpireAsync(stored.Id);

        var act = () => Store.RevokeAsync(stored.Id, "admin", "late");

        await act.Should().ThrowAsync<SessionExpiredException>();
        (await Store.GetAsync(stored.Id)).Should().Be(expired);
    }

    [Fact]
    public async Task Revoke_of_a_missing_session_throws_SessionNotFoundException()
    {
        var act = () => Store.RevokeAsync(SessionId.New(), "admin", "none");

        await act.Should().ThrowAsync<SessionNotFoundException>();
    }

    [Theory]
    [InlineData(null, "reason")]
    [InlineData("", "reason")]
    [InlineData("admin", null)]
    public async Task Revoke_without_who_or_why_throws_ArgumentException_and_changes_nothing(string? by, string? reason)
    {
        var stored = await CreateAsync();

        var act = () => Store.RevokeAsync(stored.Id, by!, reason!);

        await act.Should().ThrowAsync<ArgumentException>();
        (await Store.GetAsync(stored.Id)).Should().Be(stored);
    }

    [Fact]
    public async Task Expire_moves_an_active_session_to_Expired()
    {
        var stored = await CreateAsync();
        Time.Advance(TimeSpan.FromMinutes(1));

        var expired = await Store.ExpireAsync(stored.Id);

        expired.Should().Be(stored with { Status = SessionStatus.Expired, UpdatedAt = Time.GetUtcNow(), Version = 2 });
        (await Store.GetAsync(stored.Id)).Should().Be(expired);
    }

    [Fact]
    public async Task Expire_of_an_expired_session_throws_SessionExpiredException()
    {
        var stored = await CreateAsync();
        await Store.ExpireAsync(stored.Id);

        await FluentActions.Awaiting(() => Store.ExpireAsync(stored.Id)).Should().ThrowAsync<SessionExpiredException>();
    }

    [Fact]
    public async Task Expire_of_a_revoked_session_throws_SessionRevokedException_and_changes_nothing()
    {
        var stored = await CreateAsync();
        var revoked = await Store.RevokeAsync(stored.Id, "admin", "test");

        await FluentActions.Awaiting(() => Store.ExpireAsync(stored.Id)).Should().ThrowAsync<SessionRevokedException>();
        (await Store.GetAsync(stored.Id)).Should().Be(revoked);
    }

    [Fact]
    public async Task Expire_of_a_missing_session_throws_SessionNotFoundException()
    {
        await FluentActions.Awaiting(() => Store.ExpireAsync(SessionId.New())).Should().ThrowAsync<SessionNotFoundException>();
    }

    [Fact]
    public async Task A_cancelled_token_stops_the_call_with_OperationCanceledException()
    {
        var stored = await CreateAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(() => Store.TouchAsync(stored.Id, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(() => Store.GetAsync(stored.Id, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(() => Store.ListByUserAsync(User(), null, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        (await Store.GetAsync(stored.Id)).RequestCount.Should().Be(0);
    }
}
