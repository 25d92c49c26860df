namespace Sessions.Tests.Reliability;

/// <summary>A store call ready to run, and how to tell that it did its work.</summary>
/// <param name="SessionId">The session the call is about, or <see langword="null"/> for queries.</param>
/// <param name="Run">The call, against the store under test.</param>
/// <param name="Verify">Checks the call's result and its effect, through the setup store.</param>
public sealed record PreparedCall(string? SessionId, Func<ISessionStore, CancellationToken, Task<object?>> Run, Func<object?, Task> Verify);

/// <summary>
/// Every <see cref="ISessionStore"/> operation, each with the setup it needs (made through a fault-free store), the
/// requests it sends on its success path, and the requests it sends first (where a persistent fault stops it).
/// </summary>
public static class StoreOperations
{
    public const string Create = SessionStoreOperations.Create;
    public const string Get = SessionStoreOperations.Get;
    public const string Update = SessionStoreOperations.Update;
    public const string Delete = SessionStoreOperations.Delete;
    public const string Touch = SessionStoreOperations.Touch;
    public const string Revoke = SessionStoreOperations.Revoke;
    public const string Expire = SessionStoreOperations.Expire;
    public const string FindActiveByServerInstance = SessionStoreOperations.FindActiveByServerInstance;
    public const string ListByUser = SessionStoreOperations.ListByUser;
    public const string ListByStatus = SessionStoreOperations.ListByStatus;
    public const string ListByProfile = SessionStoreOperations.ListByProfile;
    public const string ListByTimeRange = SessionStoreOperations.ListByTimeRange;

    public static IReadOnlyList<string> All { get; } =
        [Create, Get, Update, Delete, Touch, Revoke, Expire, FindActiveByServerInstance, ListByUser, ListByStatus, ListByProfile, ListByTimeRange];

    /// <summary>The distinct requests of the success path, by DynamoDB operation.</summary>
    public static IReadOnlyList<string> RequestsOf(string operation) => operation switch
    {
        Create => ["PutItem"],
        Get => ["GetItem"],
        Delete => ["DeleteItem"],
        Update or Touch or Revoke or Expire => ["UpdateItem"],
        FindActiveByServerInstance => ["Query", "GetItem"],
        ListByTimeRange => ["Query", "Query", "Query", "BatchGetItem"],
        _ => ["Query", "BatchGetItem"],
    };

    /// <summary>The requests sent before any answer is needed: all a persistent fault lets through.</summary>
    public static IReadOnlyList<string> FirstRequestsOf(string operation) => [RequestsOf(operation)[0]];

    /// <summary>Creates what <paramref name="operation"/> needs through <paramref name="setup"/> and returns the call.</summary>
    /// <param name="operation">One of <see cref="All"/>.</param>
    /// <param name="setup">A store on the same table that meets no fault.</param>
    /// <param name="time">The clock of both stores; advanced so that every session is the newest of its table.</param>
    public static async Task<PreparedCall> PrepareAsync(string operation, ISessionStore setup, FakeTimeProvider time)
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        ServerSession New() => ServerSession.Start($"user-{tag}", $"profile-{tag}", $"instance-{tag}", "svc", TimeSpan.FromHours(1), time.GetUtcNow());
        async Task<ServerSession> CreatedAsync()
        {
            var created = await setup.CreateAsync(New());
            time.Advance(TimeSpan.FromMilliseconds(1));
            return created;
        }

        time.Advance(TimeSpan.FromSeconds(1));
        switch (operation)
        {
            case Create:
            {
                var session = New();
                return new(session.Id, async (store, ct) => await store.CreateAsync(session, ct), async result =>
                {
                    result.Should().Be(session with { Version = 1 });
                    (await setup.GetAsync(session.Id)).Should().Be(result);
                });
            }

            case Get:
            {
                var created = await CreatedAsync();
                return new(created.Id, async (store, ct) => await store.GetAsync(created.Id, ct), result =>
                {
                    result.Should().Be(created);
                    return Task.CompletedTask;
                });
            }

            case Update:
            {
                var created = await CreatedAsync();
                var changed = created with { SourceIdentity = "updated", ExpiresAt = created.ExpiresAt.AddHours(1) };
                return new(created.Id, async (store, ct) => await store.UpdateAsync(changed, ct), async result =>
                {
                    result.Should().BeOfType<ServerSession>().Which.Version.Should().Be(2);
                    (await setup.GetAsync(created.Id)).Should().Be(result);
                });
            }

            case Delete:
            {
                var created = await CreatedAsync();
                return new(created.Id, async (store, ct) =>
                {
                    await store.DeleteAsync(created.Id, ct);
                    return null;
                }, async _ => await FluentActions.Awaiting(() => setup.GetAsync(created.Id)).Should().ThrowAsync<SessionNotFoundException>());
            }

            case Touch:
            {
                var created = await CreatedAsync();
                return new(created.Id, async (store, ct) =>
                {
                    await store.TouchAsync(created.Id, ct);
                    return null;
                }, async _ => (await setup.GetAsync(created.Id)).RequestCount.Should().Be(1));
            }

            case Revoke:
            {
                var created = await CreatedAsync();
                return new(created.Id, async (store, ct) => await store.RevokeAsync(created.Id, "ops", "fault test", ct), async result =>
                {
                    result.Should().BeOfType<ServerSession>().Which.Status.Should().Be(SessionStatus.Revoked);
                    (await setup.GetAsync(created.Id)).Should().Be(result);
                });
            }

            case Expire:
            {
                var created = await CreatedAsync();
                return new(created.Id, async (store, ct) => await store.ExpireAsync(created.Id, ct), async result =>
                {
                    result.Should().BeOfType<ServerSession>().Which.Status.Should().Be(SessionStatus.Expired);
                    (await setup.GetAsync(created.Id)).Should().Be(result);
                });
            }

            case FindActiveByServerInstance:
            {
                var created = await CreatedAsync();
                return new(null, async (store, ct) => await store.FindActiveByServerInstanceAsync(created.ServerInstanceId, ct), result =>
                {
                    result.Should().Be(created);
                    return Task.CompletedTask;
                });
            }

            case ListByUser:
            {
                var older = await CreatedAsync();
                var newer = await CreatedAsync();
                return new(null, async (store, ct) => await store.ListByUserAsync(older.User, cancellationToken: ct), result =>
                {
                    result.Should().BeOfType<SessionPage>().Which.Items.Should().Equal(newer, older);
                    return Task.CompletedTask;
                });
            }

            case ListByStatus:
            {
                var created = await CreatedAsync();
                return new(null, async (store, ct) => await store.ListByStatusAsync(SessionStatus.Active, new PageRequest(1), ct), result =>
                {
                    result.Should().BeOfType<SessionPage>().Which.Items.Should().Equal(created);
                    return Task.CompletedTask;
                });
            }

            case ListByProfile:
            {
                var created = await CreatedAsync();
                return new(null, async (store, ct) => await store.ListByProfileAsync(created.Profile, cancellationToken: ct), result =>
                {
                    result.Should().BeOfType<SessionPage>().Which.Items.Should().Equal(created);
                    return Task.CompletedTask;
                });
            }

            case ListByTimeRange:
            {
                var created = await CreatedAsync();
                return new(null, async (store, ct) => await store.ListByTimeRangeAsync(created.CreatedAt, created.CreatedAt.AddTicks(1), cancellationToken: ct), result =>
                {
                    result.Should().BeOfType<SessionPage>().Which.Items.Should().Equal(created);
                    return Task.CompletedTask;
                });
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, "No such store operation.");
        }
    }
}
