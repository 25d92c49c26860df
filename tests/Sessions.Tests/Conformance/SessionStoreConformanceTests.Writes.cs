namespace Sessions.Tests.Conformance;

public abstract partial class SessionStoreConformanceTests
{
    [Fact]
    public async Task Create_returns_the_stored_copy_with_version_1()
    {
        var session = NewSession();

        var stored = await Store.CreateAsync(session);

        stored.Should().Be(session with { Version = 1 });
        (await Store.GetAsync(session.Id)).Should().Be(stored);
    }

    [Fact]
    public async Task Create_then_Get_round_trips_every_field()
    {
        var now = Time.GetUtcNow();
        var session = new ServerSession
        {
            Id = SessionId.New(),
            User = User("zoë 😀 \"quoted\" :v #n"),
            Profile = Profile("prod/eu-west-1"),
            ServerInstanceId = Instance("host:8080"),
            Status = SessionStatus.Active,
            StartedAt = now.AddTicks(1234567),
            LastAccessAt = now.AddTicks(7654321),
            ExpiresAt = now.AddDays(2).AddTicks(1),
            RequestCount = 42,
            SourceIdentity = "arn:aws:iam::123456789012:role/reader",
            CreatedAt = now.AddTicks(1),
            UpdatedAt = now.AddTicks(2),
        };

        await Store.CreateAsync(session);

        (await Store.GetAsync(session.Id)).Should().Be(session with { Version = 1 });
    }

    [Fact]
    public async Task Create_keeps_the_instant_of_timestamps_given_with_an_offset()
    {
        var session = NewSession();
        var shifted = session with { CreatedAt = session.CreatedAt.ToOffset(TimeSpan.FromHours(2)), ExpiresAt = session.ExpiresAt.ToOffset(TimeSpan.FromHours(-5)) };

        await Store.CreateAsync(shifted);

        var stored = await Store.GetAsync(session.Id);
        stored.CreatedAt.Should().Be(session.CreatedAt);
        stored.CreatedAt.Offset.Should().Be(TimeSpan.Zero);
        stored.ExpiresAt.Should().Be(session.ExpiresAt);
    }

    [Fact]
    public async Task Create_with_a_taken_id_throws_SessionAlreadyExistsException_and_keeps_the_original()
    {
        var original = await CreateAsync();
        var impostor = NewSession(user: User("mallory")) with { Id = original.Id };

        var act = () => Store.CreateAsync(impostor);

        (await act.Should().ThrowAsync<SessionAlreadyExistsException>()).Which.SessionId.Should().Be(original.Id);
        (await Store.GetAsync(original.Id)).Should().Be(original);
    }

    [Fact]
    public async Task Create_racing_Deletes_of_the_very_same_session_always_returns_it_and_never_says_it_exists()
    {
        // Only this session ever holds the id, so whether a Create finds it there or writes it anew, it is the answer: a
        // refusal judged after a Delete removed what refused it must not become "already exists".
        var session = NewSession();
        var creates = 0;
        var deletes = 0;
        using var stop = new CancellationTokenSource();
        var deleter = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Store.DeleteAsync(session.Id);
                deletes++;
            }
        });

        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, CreateDeleteRaceRounds), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (_, ct) =>
            {
                (await Store.CreateAsync(session, ct)).Should().Be(session with { Version = 1 });
                Interlocked.Increment(ref creates);
            });
        }
        finally
        {
            await stop.CancelAsync();
            await deleter;
        }

        creates.Should().Be(CreateDeleteRaceRounds);
        deletes.Should().BePositive("the Deletes ran alongside");
    }

    [Theory]
    [InlineData(SessionStatus.Revoked)]
    [InlineData(SessionStatus.Expired)]
    public async Task Create_of_a_non_active_session_throws_ArgumentException_and_writes_nothing(SessionStatus status)
    {
        var session = NewSession() with { Status = status };

        var act = () => Store.CreateAsync(session);

        await act.Should().ThrowAsync<ArgumentException>();
        await ShouldNotExistAsync(session.Id);
    }

    [Fact]
    public async Task Create_with_ExpiresAt_not_after_StartedAt_throws_ArgumentException_and_writes_nothing()
    {
        var session = NewSession();
        var bad = session with { ExpiresAt = session.StartedAt };

        var act = () => Store.CreateAsync(bad);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Contain("ExpiresAt");
        await ShouldNotExistAsync(session.Id);
    }

    public static TheoryData<string, string> BadSessions => new()
    {
        { "id", "ABCDEF0123456789" },
        { "id", "0123456789abcde" },
        { "user", string.Empty },
        { "user", new string('u', 1025) },
        { "profile", string.Empty },
        { "profile", new string('p', 1021) + "😀" },
        { "instance", string.Empty },
        { "instance", new string('é', 513) },
        { "count", "-1" },
        { "revokedBy", "admin" },
    };

    [Theory]
    [MemberData(nameof(BadSessions))]
    public async Task Create_with_an_invalid_field_throws_ArgumentException_and_writes_nothing(string field, string value)
    {
        var session = NewSession();
        var bad = field switch
        {
            "id" => session with { Id = value },
            "user" => session with { User = value },
            "profile" => session with { Profile = value },
            "instance" => session with { ServerInstanceId = value },
            "count" => session with { RequestCount = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            _ => session with { RevokedBy = value },
        };

        var act = () => Store.CreateAsync(bad);

        await act.Should().ThrowAsync<ArgumentException>();
        await ShouldNotExistAsync(session.Id);
    }

    [Fact]
    public async Task Create_accepts_key_fields_of_exactly_1024_utf8_bytes()
    {
        var session = NewSession(user: MultiByteOfBytes(1024), profile: new string('p', 1024), instance: new string('é', 512));

        await Store.CreateAsync(session);

        (await Store.GetAsync(session.Id)).User.Should().Be(session.User);
    }

    [Fact]
    public async Task Get_of_a_missing_session_throws_SessionNotFoundException_naming_it()
    {
        var id = SessionId.New();

        var act = () => Store.GetAsync(id);

        (await act.Should().ThrowAsync<SessionNotFoundException>()).Which.SessionId.Should().Be(id);
    }

    public static TheoryData<string?> BadIds => new() { null, string.Empty, "0123456789abcde", "0123456789abcdef0", "0123456789ABCDEF", "0123456789abcdeg", "٠١٢٣٤٥٦٧٨٩abcdef", " 123456789abcdef", "0123456789abcde\n" };

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task Every_operation_taking_an_id_rejects_a_malformed_id_with_ArgumentException(string? id)
    {
        await FluentActions.Awaiting(() => Store.GetAsync(id!)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => Store.DeleteAsync(id!)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => Store.TouchAsync(id!)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => Store.RevokeAsync(id!, "admin", "test")).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => Store.ExpireAsync(id!)).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Update_writes_the_mutable_fields_and_bumps_Version_and_UpdatedAt()
    {
        var stored = await CreateAsync();
        Time.Advance(TimeSpan.FromMinutes(5));
        var change = stored with { ExpiresAt = stored.ExpiresAt.AddHours(3), SourceIdentity = "svc-writer" };

        var updated = await Store.UpdateAsync(change);

        updated.Should().Be(change with { Version = 2, UpdatedAt = Time.GetUtcNow() });
        (await Store.GetAsync(stored.Id)).Should().Be(updated);
    }

    [Fact]
    public async Task Update_never_writes_identity_fields_nor_LastAccessAt_and_RequestCount()
    {
        var stored = await CreateAsync();
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.TouchAsync(stored.Id);
        var touched = await Store.GetAsync(stored.Id);
        var change = stored with
        {
            User = User("bob"),
            Profile = Profile("dev"),
            ServerInstanceId = Instance("i-2"),
            StartedAt = stored.StartedAt.AddMinutes(-1),
            CreatedAt = stored.CreatedAt.AddMinutes(-1),
            LastAccessAt = stored.LastAccessAt.AddDays(-1),
            RequestCount = 1_000,
            SourceIdentity = "changed",
        };

        var updated = await Store.UpdateAsync(change);

        updated.Should().Be(touched with { SourceIdentity = "changed", Version = 2, UpdatedAt = Time.GetUtcNow() });
        (await Store.GetAsync(stored.Id)).Should().Be(updated);
    }

    [Fact]
    public async Task Update_with_a_stale_Version_throws_SessionConcurrencyException_and_changes_nothing()
    {
        var stored = await CreateAsync();
        var first = await Store.UpdateAsync(stored with { SourceIdentity = "first" });

        var act = () => Store.UpdateAsync(stored with { SourceIdentity = "second" });

        var error = (await act.Should().ThrowAsync<SessionConcurrencyException>()).Which;
        error.SessionId.Should().Be(stored.Id);
        error.ExpectedVersion.Should().Be(1);
        error.ActualVersion.Should().Be(2);
        (await Store.GetAsync(stored.Id)).Should().Be(first);
    }

    [Fact]
    public async Task Update_of_a_missing_session_throws_SessionNotFoundException()
    {
        var act = () => Store.UpdateAsync(NewSession() with { Version = 1 });

        await act.Should().ThrowAsync<SessionNotFoundException>();
    }

    [Theory]
    [InlineData(SessionStatus.Revoked)]
    [InlineData(SessionStatus.Expired)]
    public async Task Update_of_a_terminal_session_throws_InvalidSessionTransitionException_and_changes_nothing(SessionStatus terminal)
    {
        var stored = await CreateAsync();
        var ended = terminal == SessionStatus.Revoked ? await Store.RevokeAsync(stored.Id, "admin", "test") : await Store.ExpireAsync(stored.Id);

        foreach (var attempt in new[]
        {
            ended with { Status = SessionStatus.Active, RevokedBy = null, RevokedReason = null },
            ended with { ExpiresAt = ended.ExpiresAt.AddDays(1) },
            ended with { SourceIdentity = "changed" },
        })
        {
            var act = () => Store.UpdateAsync(attempt);
            (await act.Should().ThrowAsync<InvalidSessionTransitionException>()).Which.From.Should().Be(terminal);
        }

        (await Store.GetAsync(stored.Id)).Should().Be(ended);
    }

    [Fact]
    public async Task Update_can_revoke_an_active_session()
    {
        var stored = await CreateAsync();

        var updated = await Store.UpdateAsync(stored.Revoke("admin", "rotated", Time.GetUtcNow()));

        updated.Status.Should().Be(SessionStatus.Revoked);
        updated.RevokedBy.Should().Be("admin");
        await FluentActions.Awaiting(() => Store.TouchAsync(stored.Id)).Should().ThrowAsync<SessionRevokedException>();
    }

    [Fact]
    public async Task Parallel_updates_carrying_the_same_Version_give_one_success_and_19_SessionConcurrencyException()
    {
        var stored = await CreateAsync();
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await Store.UpdateAsync(stored with { SourceIdentity = $"writer-{i}" });
                return "ok";
            }
            catch (SessionConcurrencyException)
            {
                return "conflict";
            }
        })).ToList();
        start.Set();
        var outcomes = await Task.WhenAll(attempts);

        outcomes.Count(o => o == "ok").Should().Be(1);
        outcomes.Count(o => o == "conflict").Should().Be(19);
        (await Store.GetAsync(stored.Id)).Version.Should().Be(2);
    }

    [Fact]
    public async Task Delete_removes_the_session_and_is_idempotent()
    {
        var stored = await CreateAsync();

        await Store.DeleteAsync(stored.Id);
        await Store.DeleteAsync(stored.Id);
        await Store.DeleteAsync(SessionId.New());

        await ShouldNotExistAsync(stored.Id);
    }

    [Fact]
    public async Task Delete_removes_a_terminal_session_and_its_id_can_be_used_again()
    {
        var stored = await CreateAsync();
        await Store.RevokeAsync(stored.Id, "admin", "test");

        await Store.DeleteAsync(stored.Id);
        var again = await Store.CreateAsync(NewSession() with { Id = stored.Id });

        again.Version.Should().Be(1);
        (await Store.GetAsync(stored.Id)).Status.Should().Be(SessionStatus.Active);
    }

    protected async Task ShouldNotExistAsync(string id) =>
        await FluentActions.Awaiting(() => Store.GetAsync(id)).Should().ThrowAsync<SessionNotFoundException>();
}
