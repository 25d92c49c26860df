using static Sessions.TestSupport.Stores.GoWrittenItems;

namespace Sessions.Tests.DynamoDb;

/// <summary>
/// Bulk runs on a table that holds items other writers made, some of them malformed: every session that can be
/// changed is changed, and the run reports how many it changed, skipped and failed, with the ids that failed.
/// </summary>
public abstract class BulkMaintenanceTests(DynamoDbServerFixture server) : NewTableTests(server, s_now)
{
    private static readonly DateTimeOffset s_now = new(2033, 2, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _user = "bulk-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task RevokeAllForUser_revokes_every_session_it_can_and_reports_the_ones_it_cannot()
    {
        var healthy = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            healthy.Add((await Store.CreateAsync(ServerSession.Start(_user, "p", "i", "svc", TimeSpan.FromHours(1), s_now.AddMinutes(-i)))).Id);
        }

        var goWritten = await PutAsync(SessionId.New(), "2033-02-01T13:00:00+02:00");
        var badId = await PutAsync("NOT-16-HEX-CHARACTERS", "2033-02-01T13:00:00Z");
        var stringVersion = await PutAsync(SessionId.New(), "2033-02-01T13:00:00Z", item => item[SessionItem.Version] = SessionItem.S("2"));
        var endsBeforeStart = await PutAsync(SessionId.New(), "2033-02-01T08:00:00Z");
        var corrupt = await PutAsync(SessionId.New(), "2033-02-01T13:00:00Z", item => item[SessionItem.StartedAt] = SessionItem.S("yesterday"));
        var alreadyRevoked = await Store.CreateAsync(ServerSession.Start(_user, "p", "i", "svc", TimeSpan.FromHours(1), s_now.AddMinutes(-30)));
        await Store.RevokeAsync(alreadyRevoked.Id, "earlier", "before the run");

        var result = await Store.RevokeAllForUserAsync(_user, "security", "offboarding");

        result.Changed.Should().Be(7, "five healthy, the Go-written one and the one with a string version");
        result.FailedIds.Should().BeEquivalentTo(badId, corrupt, endsBeforeStart);
        result.Failed.Should().Be(3);
        result.Failures[badId].Should().BeOfType<SessionCorruptException>("an item whose id is no session id cannot be read, nor revoked by id")
            .Which.AttributeName.Should().Be(SessionItem.Id);
        result.Failures[endsBeforeStart].Message.Should().Contain("The Revoke was applied", "an item that ends before it starts is revoked by its id, and the damage reported");
        result.Failures[corrupt].Should().BeOfType<SessionCorruptException>().Which.AttributeName.Should().Be(SessionItem.StartedAt);
        result.Failures[corrupt].Message.Should().Contain("The Revoke was applied", "the run revokes a corrupt item by its id and reports the damage");
        (await RawAsync(Server.Client, Table, corrupt))[SessionItem.Status].S.Should().Be("revoked");
        foreach (var id in healthy.Append(goWritten).Append(stringVersion).Append(endsBeforeStart))
        {
            (await RawAsync(Server.Client, Table, id))[SessionItem.Status].S.Should().Be("revoked", id);
        }

        (await RawAsync(Server.Client, Table, goWritten))[DeviceId].S.Should().NotBeNullOrEmpty("a bulk write keeps attributes it does not know");
        (await Store.GetAsync(alreadyRevoked.Id)).RevokedBy.Should().Be("earlier");
        await FluentActions.Awaiting(() => Store.TouchAsync(corrupt)).Should().ThrowAsync<SessionCorruptException>("what the run could not revoke never serves");
    }

    [Fact]
    public async Task RevokeAllForUser_counts_sessions_that_end_meanwhile_as_skipped()
    {
        var sessions = new List<ServerSession>();
        for (var i = 0; i < 4; i++)
        {
            sessions.Add(await Store.CreateAsync(ServerSession.Start(_user, "p", "i", "svc", TimeSpan.FromHours(1), s_now.AddMinutes(-i))));
        }

        var racing = new RacingStore(Store, onRevoke: id =>
            id == sessions[1].Id ? Store.RevokeAsync(id, "someone", "else") : id == sessions[2].Id ? Store.DeleteAsync(id) : Task.CompletedTask);

        var result = await racing.RevokeAllForUserAsync(_user, "security", "offboarding");

        result.Changed.Should().Be(2);
        result.Skipped.Should().Be(2);
        result.FailedIds.Should().BeEmpty();
    }

    [Fact]
    public async Task ExpireStale_expires_every_session_it_can_and_reports_the_ones_it_cannot()
    {
        var stale = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            stale.Add((await Store.CreateAsync(ServerSession.Start(_user, "p", "i", "svc", TimeSpan.FromMinutes(5), s_now.AddHours(-1).AddMinutes(-i)))).Id);
        }

        var fresh = await Store.CreateAsync(ServerSession.Start(_user, "p", "i", "svc", TimeSpan.FromHours(2), s_now.AddMinutes(-1)));
        var goWritten = await PutAsync(SessionId.New(), "2033-02-01T13:30:00+02:00");
        var goStillValid = await PutAsync(SessionId.New(), "2033-02-01T08:00:00-05:00");
        var badId = await PutAsync("not-a-session-id", "2033-02-01T11:00:00Z");
        var endsBeforeStart = await PutAsync(SessionId.New(), "2033-02-01T08:00:00Z");
        var corrupt = await PutAsync(SessionId.New(), "2033-02-01T11:00:00Z", item => item[SessionItem.RequestCount] = SessionItem.S("many"));

        var result = await Store.ExpireStaleAsync(s_now);

        result.Changed.Should().Be(5, "the four stale ones and the Go-written one whose true expiry (11:30Z) passed");
        result.FailedIds.Should().BeEquivalentTo(badId, endsBeforeStart, corrupt);
        foreach (var id in stale.Append(goWritten))
        {
            (await RawAsync(Server.Client, Table, id))[SessionItem.Status].S.Should().Be("expired", id);
        }

        (await Store.GetAsync(fresh.Id)).Status.Should().Be(SessionStatus.Active);
        (await Store.GetAsync(goStillValid)).Status.Should().Be(SessionStatus.Active, "08:00-05:00 is 13:00Z, still ahead");
        await FluentActions.Awaiting(() => Store.TouchAsync(endsBeforeStart)).Should().ThrowAsync<SessionStoreException>("what the run could not expire never serves")
            .Where(e => e is SessionExpiredException || e is SessionCorruptException);
    }

    private async Task<string> PutAsync(string id, string expiresAt, Action<Dictionary<string, AttributeValue>>? damage = null)
    {
        var item = Active(id.PadRight(4, '0'), _user, "p", "i", "2033-02-01T09:00:00Z", expiresAt);
        item[SessionItem.Id] = SessionItem.S(id);
        damage?.Invoke(item);
        await GoWrittenItems.PutAsync(Server.Client, Table, item);
        return id;
    }

    /// <summary>A store that lets someone else change a session just before the run revokes it.</summary>
    private sealed class RacingStore(ISessionStore inner, Func<string, Task> onRevoke) : ISessionStore
    {
        public Task<ServerSession> CreateAsync(ServerSession session, CancellationToken cancellationToken = default) => inner.CreateAsync(session, cancellationToken);

        public Task<ServerSession> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public Task<ServerSession> UpdateAsync(ServerSession session, CancellationToken cancellationToken = default) => inner.UpdateAsync(session, cancellationToken);

        public Task DeleteAsync(string id, CancellationToken cancellationToken = default) => inner.DeleteAsync(id, cancellationToken);

        public Task TouchAsync(string id, CancellationToken cancellationToken = default) => inner.TouchAsync(id, cancellationToken);

        public async Task<ServerSession> RevokeAsync(string id, string revokedBy, string reason, CancellationToken cancellationToken = default)
        {
            await onRevoke(id);
            return await inner.RevokeAsync(id, revokedBy, reason, cancellationToken);
        }

        public Task<ServerSession> ExpireAsync(string id, CancellationToken cancellationToken = default) => inner.ExpireAsync(id, cancellationToken);

        public Task<ServerSession?> FindActiveByServerInstanceAsync(string serverInstanceId, CancellationToken cancellationToken = default) => inner.FindActiveByServerInstanceAsync(serverInstanceId, cancellationToken);

        public Task<SessionPage> ListByUserAsync(string user, PageRequest? page = null, CancellationToken cancellationToken = default) => inner.ListByUserAsync(user, page, cancellationToken);

        public Task<SessionPage> ListByStatusAsync(SessionStatus status, PageRequest? page = null, CancellationToken cancellationToken = default) => inner.ListByStatusAsync(status, page, cancellationToken);

        public Task<SessionPage> ListByProfileAsync(string profile, PageRequest? page = null, CancellationToken cancellationToken = default) => inner.ListByProfileAsync(profile, page, cancellationToken);

        public Task<SessionPage> ListByTimeRangeAsync(DateTimeOffset createdFrom, DateTimeOffset createdBefore, PageRequest? page = null, CancellationToken cancellationToken = default) =>
            inner.ListByTimeRangeAsync(createdFrom, createdBefore, page, cancellationToken);
    }
}

/// <summary><see cref="BulkMaintenanceTests"/> on dynalite.</summary>
public sealed class BulkMaintenanceTestsOnDynalite(DynaliteFixture server) : BulkMaintenanceTests(server), IClassFixture<DynaliteFixture>;

public sealed class BulkMaintenanceTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : BulkMaintenanceTests(server), IClassFixture<DynamoDbLocalFixture>;
