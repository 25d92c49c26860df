using Operation = Sessions.SessionStoreOperations;

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
    public static IReadOnlyList<string> All { get; } =
    [
        Operation.Create, Operation.Get, Operation.Update, Operation.Delete, Operation.Touch, Operation.Revoke, Operation.Expire,
        Operation.FindActiveByServerInstance, Operation.ListByUser, Operation.ListByStatus, Operation.ListByProfile, Operation.ListByTimeRange,
    ];

    /// <summary>The distinct requests of the success path, by DynamoDB operation.</summary>
    public static IReadOnlyList<string> RequestsOf(string operation) => operation switch
    {
        Operation.Create => ["PutItem"],
        Operation.Get => ["GetItem"],
        Operation.Delete => ["DeleteItem"],
        Operation.Update or Operation.Touch or Operation.Revoke or Operation.Expire => ["UpdateItem"],
        Operation.FindActiveByServerInstance => ["Query", "GetItem"],
        Operation.ListByTimeRange => ["Query", "Query", "Query", "BatchGetItem"],
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
            case Operation.Create:
            {
                var session = New();
                return new(session.Id, async (store, ct) => await store.CreateAsync(session, ct), async result =>
                {
                    result.Should().Be(session with { Version = 1 });
                    (await setup.GetAsync(session.Id)).Should().Be(result);
                });
            }

            case Operation.Get:
            {
                var created = await CreatedAsync();
                return new(created.Id, async (store, ct) => await store.GetAsync(created.Id, ct), result =>
                {
                    result.Should().Be(created);
                    return Task.CompletedTask;
                });
            }

            case Operation.Update:
            {
                var created = await CreatedAsync();
                var changed = created with { SourceIdentity = "updated", ExpiresAt = created.ExpiresAt.AddHours(1) };
                return new(created.Id, async (store, ct) => await store.UpdateAsync(changed, ct), async result =>
                {
                    result.Should().BeOfType<ServerSession>().Which.Version.Should().Be(2);
                    (await setup.GetAsync(created.Id)).Should().Be(result);
                });
            }

            case Operation.Delete:
            {
                var created = await CreatedAsync();
                return new(created.Id, async (store, ct) =>
                {
                    await store.DeleteAsync(created.Id, ct);
                    return null;
                }, async _ => await FluentActions.Awaiting(() => setup.GetAsync(created.Id)).Should().ThrowAsync<SessionNotFoundException>());
            }

            case Operation.Touch:
            {
                var created = await CreatedAsync();
                return new(created.Id, async (store, ct) =>
                {
                    await store.TouchAsync(created.Id, ct);
                    return null;
                }, async _ => (await setup.GetAsync(created.Id)).RequestCount.Should().Be(1));
            }

            case Operation.Revoke:
            {
                var created = await CreatedAsync();
                return new(created.Id, async (store, ct) => await store.RevokeAsync(created.Id, "ops", "fault test", ct), async result =>
                {
                    result.Should().BeOfType<ServerSession>().Which.Status.Should().Be(SessionStatus.Revoked);
                    (await setup.GetAsync(created.Id)).Should().Be(result);
                });
            }

            case Operation.Expire:
            {
                var created = await CreatedAsync();
                return new(created.Id, async (store, ct) => await store.ExpireAsync(created.Id, ct), async result =>
                {
                    result.Should().BeOfType<ServerSession>().Which.Status.Should().Be(SessionStatus.Expired);
                    (await setup.GetAsync(created.Id)).Should().Be(result);
                });
            }

            case Operation.FindActiveByServerInstance:
            {
                var created = await CreatedAsync();
                return new(null, async (store, ct) => await store.FindActiveByServerInstanceAsync(created.ServerInstanceId, ct), result =>
                {
                    result.Should().Be(created);
                    return Task.CompletedTask;
                });
            }

            case Operation.ListByUser:
            {
                var older = await CreatedAsync();
                var newer = await CreatedAsync();
                return new(null, async (store, ct) => await store.ListByUserAsync(older.User, cancellationToken: ct), result =>
                {
                    result.Should().BeOfType<SessionPage>().Which.Items.Should().Equal(newer, older);
                    return Task.CompletedTask;
                });
            }

            case Operation.ListByStatus:
            {
                var created = await CreatedAsync();
                return new(null, async (store, ct) => await store.ListByStatusAsync(SessionStatus.Active, new PageRequest(1), ct), result =>
                {
                    result.Should().BeOfType<SessionPage>().Which.Items.Should().Equal(created);
                    return Task.CompletedTask;
                });
            }

            case Operation.ListByProfile:
            {
                var created = await CreatedAsync();
                return new(null, async (store, ct) => await store.ListByProfileAsync(created.Profile, cancellationToken: ct), result =>
                {
                    result.Should().BeOfType<SessionPage>().Which.Items.Should().Equal(created);
                    return Task.CompletedTask;
                });
            }

            case Operation.ListByTimeRange:
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
