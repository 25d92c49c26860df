namespace Sessions.Tests.Security;

/// <summary>
/// Revoked and Expired are terminal: no write moves such a session back to Active or alters it. The DynamoDB store
/// enforces it in each write's condition, so it holds under races and for writes that bypass the client-side checks.
/// </summary>
public abstract class TerminalStateTests(DynamoDbServerFixture server, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];
    private string _table = null!;

    public async Task InitializeAsync() => _table = await server.SharedTableAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("in-memory", 2_000)]
    [InlineData("DynamoDB", 150)]
    public async Task An_update_carrying_the_pre_revoke_version_raced_against_a_revoke_never_reactivates_the_session(string storeName, int rounds)
    {
        var store = CreateStore(storeName);
        int revokeFirst = 0, updateFirst = 0;
        for (var round = 0; round < rounds; round++)
        {
            var original = await store.CreateAsync(NewSession());
            var renewal = original with { Status = SessionStatus.Active, ExpiresAt = original.ExpiresAt.AddHours(8), SourceIdentity = "renewed" };
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var update = Task.Run(async () =>
            {
                await start.Task;
                return await store.UpdateAsync(renewal);
            });
            var revoke = Task.Run(async () =>
            {
                await start.Task;
                return await store.RevokeAsync(original.Id, "ops", $"race {round}");
            });
            start.SetResult();

            var revoked = await revoke;
            var updateError = await Record.ExceptionAsync(() => update);
            var final = await store.GetAsync(original.Id);

            revoked.Status.Should().Be(SessionStatus.Revoked);
            final.Should().Be(revoked, "the revocation is the last write either way (round {0})", round);
            if (updateError is null)
            {
                updateFirst++;
                var updated = await update;
                updated.Status.Should().Be(SessionStatus.Active);
                updated.Version.Should().Be(2);
                revoked.Version.Should().Be(3);
                revoked.ExpiresAt.Should().Be(renewal.ExpiresAt, "the revocation kept the renewal it came after");
            }
            else
            {
                revokeFirst++;
                updateError.Should().Match(e => e is InvalidSessionTransitionException || e is SessionConcurrencyException, "round {0}", round);
                revoked.Version.Should().Be(2);
                final.ExpiresAt.Should().Be(original.ExpiresAt, "the refused update left nothing behind");
                final.SourceIdentity.Should().Be(original.SourceIdentity);
            }
        }

        output.WriteLine($"{storeName}: {rounds} races, revoke first {revokeFirst}, update first {updateFirst}, violations 0");
    }

    [Theory]
    [InlineData("in-memory", SessionStatus.Revoked)]
    [InlineData("in-memory", SessionStatus.Expired)]
    [InlineData("DynamoDB", SessionStatus.Revoked)]
    [InlineData("DynamoDB", SessionStatus.Expired)]
    public async Task No_write_path_alters_a_terminal_session(string storeName, SessionStatus terminal)
    {
        var store = CreateStore(storeName);
        var created = await store.CreateAsync(NewSession());
        var stored = terminal == SessionStatus.Revoked
            ? await store.RevokeAsync(created.Id, "ops", "leak")
            : await store.ExpireAsync(created.Id);
        _time.Advance(TimeSpan.FromMinutes(1));

        var attempts = new (string Name, Func<Task> Write)[]
        {
            ("Update back to Active with the current version", () => store.UpdateAsync(stored with { Status = SessionStatus.Active, RevokedBy = null, RevokedReason = null })),
            ("Update back to Active with the pre-terminal version", () => store.UpdateAsync(created with { ExpiresAt = created.ExpiresAt.AddDays(1) })),
            ("Update keeping the status with the current version", () => store.UpdateAsync(stored with { ExpiresAt = stored.ExpiresAt.AddDays(1), SourceIdentity = "changed" })),
            ("Touch", () => store.TouchAsync(created.Id)),
            ("Revoke by someone else", () => store.RevokeAsync(created.Id, "mallory", "again")),
            ("Expire", () => store.ExpireAsync(created.Id)),
            ("Create the original again", () => store.CreateAsync(created with { Version = 0 })),
            ("Create an Active session with the same id", () => store.CreateAsync(NewSession() with { Id = created.Id })),
        };

        foreach (var (name, write) in attempts)
        {
            var error = await Record.ExceptionAsync(write);
            error.Should().BeAssignableTo<SessionStoreException>(name).And.NotBeOfType<SessionStoreException>("{0} is refused by the state rules, not by a fault", name);
            (await store.GetAsync(created.Id)).Should().Be(stored, "{0} leaves the terminal session as it was", name);
        }
    }

    [Theory]
    [InlineData(SessionStatus.Revoked)]
    [InlineData(SessionStatus.Expired)]
    public async Task Raw_writes_built_from_the_stores_own_expressions_are_refused_by_the_server_on_a_terminal_item(SessionStatus terminal)
    {
        var store = CreateStore("DynamoDB");
        var created = await store.CreateAsync(NewSession());
        var stored = terminal == SessionStatus.Revoked ? await store.RevokeAsync(created.Id, "ops", "leak") : await store.ExpireAsync(created.Id);
        var before = await RawItemAsync(created.Id);
        var old = (await server.Client.GetItemAsync(new GetItemRequest { TableName = _table, Key = SessionItem.Key(created.Id), ConsistentRead = true })).Item;
        var at = _time.GetUtcNow().AddMinutes(1);
        var requests = new SessionRequests(_table, TimeSpan.FromHours(1));
        using var slot = new WriteSlots().Acquire(created.Id);
        var reactivated = stored with { Status = SessionStatus.Active, RevokedBy = null, RevokedReason = null, ExpiresAt = stored.ExpiresAt.AddDays(1), SourceIdentity = "reactivated" };

        // What a client that skipped every check would send: the store's own requests, first tries and judged retries.
        var writes = new List<(string Name, UpdateItemRequest Request)>();
        foreach (var version in new[] { created.Version, stored.Version, 0 })
        {
            writes.Add(($"Update to Active at version {version}", requests.Update(reactivated with { Version = version }, at, slot)));
            writes.Add(($"Judged update to Active at version {version}", requests.UpdateJudged(reactivated with { Version = version }, at, old, slot)));
        }

        writes.Add(("Touch", requests.Touch(created.Id, at, slot)));
        writes.Add(("Judged touch", requests.TouchJudged(created.Id, at, stored.ExpiresAt, old[SessionItem.ExpiresAt], slot)));
        writes.Add(("Revoke", requests.Revoke(created.Id, "mallory", "overwrite", at, slot)));
        writes.Add(("Revoke resetting the version", requests.ResettingVersion(requests.Revoke(created.Id, "mallory", "overwrite", at, slot))));
        writes.Add(("Expire", requests.Expire(created.Id, at, slot)));

        foreach (var (name, request) in writes)
        {
            await FluentActions.Awaiting(() => server.Client.UpdateItemAsync(request)).Should().ThrowAsync<ConditionalCheckFailedException>(name);
        }

        (await RawItemAsync(created.Id)).Should().BeEquivalentTo(before);
        (await store.GetAsync(created.Id)).Should().Be(stored);
    }

    private ISessionStore CreateStore(string name) => name switch
    {
        "in-memory" => new InMemorySessionStore(_time),
        "DynamoDB" => TestStores.DynamoDb(server.Client, _table, _time),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such store."),
    };

    private ServerSession NewSession()
    {
        _time.Advance(TimeSpan.FromMilliseconds(1));
        return ServerSession.Start($"user-{_tag}", $"profile-{_tag}", $"instance-{_tag}", "svc", TimeSpan.FromHours(1), _time.GetUtcNow());
    }

    private async Task<Dictionary<string, string>> RawItemAsync(string id)
    {
        var response = await server.Client.GetItemAsync(new GetItemRequest { TableName = _table, Key = SessionItem.Key(id), ConsistentRead = true });
        return response.Item.ToDictionary(a => a.Key, a => a.Value.S ?? a.Value.N ?? "?", StringComparer.Ordinal);
    }
}

public sealed class TerminalStateTestsOnDynalite(DynaliteFixture server, ITestOutputHelper output) : TerminalStateTests(server, output), IClassFixture<DynaliteFixture>;

public sealed class TerminalStateTestsOnDynamoDbLocal(DynamoDbLocalFixture server, ITestOutputHelper output) : TerminalStateTests(server, output), IClassFixture<DynamoDbLocalFixture>;
