using System.Collections.Concurrent;
using Sessions.Hosting.Leases;
using static Sessions.TestSupport.Stores.GoWrittenItems;

namespace Sessions.Tests.DynamoDb;

/// <summary>
/// <see cref="SessionTableMigration"/> rewrites items of other writers into the stored form with conditional writes:
/// a dry run writes nothing, a run is resumable and repeatable, and nothing a concurrent writer did is lost.
/// </summary>
public abstract class SessionTableMigrationTests(DynamoDbServerFixture server) : NewTableTests(server, s_now, s_retention)
{
    private static readonly DateTimeOffset s_now = new(2034, 5, 6, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_retention = TimeSpan.FromHours(2);

    [Fact]
    public async Task A_dry_run_counts_and_writes_nothing_then_a_run_makes_every_Go_written_item_canonical_keeping_what_it_does_not_know()
    {
        var ids = await PutGoItemsAsync(12);
        var canonical = await Store.CreateAsync(ServerSession.Start("u", "p", "i", "svc", TimeSpan.FromHours(1), s_now));
        var before = await SnapshotAsync(ids);

        var dry = await SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { DryRun = true, Retention = s_retention });

        dry.DryRun.Should().BeTrue();
        (dry.Scanned, dry.Migrated, dry.AlreadyCanonical, dry.Skipped, dry.Failed).Should().Be((13, 12, 1, 0, 0));
        (await SnapshotAsync(ids)).Should().BeEquivalentTo(before, "a dry run writes nothing");

        var sessionsBefore = await Task.WhenAll(ids.Select(id => Store.GetAsync(id)));
        var run = await SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { Retention = s_retention, PageSize = 5 });

        (run.Scanned, run.Migrated, run.AlreadyCanonical, run.Skipped, run.Failed).Should().Be((13, 12, 1, 0, 0));
        run.ResumeAfterId.Should().BeNull();
        foreach (var (id, session) in ids.Zip(sessionsBefore))
        {
            var raw = await RawAsync(Server.Client, Table, id);
            foreach (var name in new[] { SessionItem.StartedAt, SessionItem.LastAccessAt, SessionItem.ExpiresAt, SessionItem.CreatedAt, SessionItem.UpdatedAt })
            {
                SessionTimestamp.IsCanonical(raw[name].S).Should().BeTrue($"{name} of {id} is '{raw[name].S}'");
            }

            raw.Should().NotContainKey(SessionItem.RevokedBy).And.NotContainKey(SessionItem.RevokedReason);
            raw[SessionItem.Version].N.Should().Be("1");
            raw[SessionItem.Ttl].N.Should().Be(before[id][SessionItem.Ttl].N, "a ttl further ahead than expiry + retention is kept");
            raw[DeviceId].S.Should().Be(before[id][DeviceId].S, "attributes the library does not know are kept");
            (await Store.GetAsync(id)).Should().Be(session with { Version = 1 }, "migration changes the form, not the session");
        }

        (await Store.GetAsync(canonical.Id)).Should().Be(canonical);
        var again = await SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { Retention = s_retention });
        (again.Migrated, again.AlreadyCanonical).Should().Be((0, 13), "a repeated run only counts");
    }

    [Fact]
    public async Task On_a_global_table_a_run_migrates_only_the_sessions_homed_in_its_Region()
    {
        var ids = await PutGoItemsAsync(6);
        await SetHomeAsync(ids[0], "us-east-1");
        await SetHomeAsync(ids[1], "us-east-1");
        await SetHomeAsync(ids[2], "eu-west-1");
        string[] regions = ["eu-west-1", "us-east-1"];

        // In us-east-1: its two sessions. In eu-west-1, the first Region: its own and the three that name no home.
        var inVirginia = await SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { Region = "us-east-1", GlobalTableRegions = regions });
        var inIreland = await SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { Region = "eu-west-1", GlobalTableRegions = regions });

        (inVirginia.Migrated, inVirginia.HomedElsewhere, inVirginia.Skipped).Should().Be((2, 4, 0));
        (inIreland.Migrated, inIreland.HomedElsewhere, inIreland.AlreadyCanonical).Should().Be((4, 2, 0));
        foreach (var id in ids)
        {
            (await RawAsync(Server.Client, Table, id))[SessionItem.Version].N.Should().Be("1", $"{id} was migrated once, in its home Region");
        }

        await FluentActions.Awaiting(() => SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { Region = "ap-south-1", GlobalTableRegions = regions }))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*must be one of GlobalTableRegions*");
        await FluentActions.Awaiting(() => SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { Region = "eu-west-1" }))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*set GlobalTableRegions too*");
    }

    private Task SetHomeAsync(string id, string region) => Server.Client.UpdateItemAsync(new UpdateItemRequest
    {
        TableName = Table,
        Key = SessionItem.Key(id),
        UpdateExpression = "SET home_region = :home",
        ExpressionAttributeValues = new() { [":home"] = SessionItem.S(region) },
    });

    [Fact]
    public async Task A_run_without_a_retention_keeps_the_ttl_of_a_record_kept_for_30_days()
    {
        var store30 = TestStores.DynamoDb(Server.Client, Table, Time, retention: TimeSpan.FromDays(30));
        var session = await store30.CreateAsync(ServerSession.Start("u30", "p", "i", "svc", TimeSpan.FromHours(1), s_now));
        await store30.RevokeAsync(session.Id, "ops", "leak");
        var item = await RawAsync(Server.Client, Table, session.Id);
        item[SessionItem.UpdatedAt] = SessionItem.S(Rfc3339Nano(s_now, TimeSpan.FromHours(2)));
        await PutAsync(Server.Client, Table, item);

        var dry = await SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { DryRun = true });
        var run = await SessionTableMigration.MigrateAsync(Server.Client, Table);

        dry.ChangedAttributes.Should().Equal(new Dictionary<string, int> { [SessionItem.UpdatedAt] = 1 });
        run.ChangedAttributes.Should().Equal(dry.ChangedAttributes);
        (await RawAsync(Server.Client, Table, session.Id))[SessionItem.Ttl].N.Should().Be(SessionItem.TtlOf(session.ExpiresAt, TimeSpan.FromDays(30)).N, "the revocation record keeps its 30 days");
    }

    [Theory]
    [InlineData("none", null, "expires+1h")]
    [InlineData("none", 30, "expires+30d")]
    [InlineData("expires+30d", null, "expires+30d")]
    [InlineData("expires+30d", 1, "expires+30d")]
    [InlineData("expires+30d", 60, "expires+60d")]
    [InlineData("far", 60, "far")]
    [InlineData("text", 60, "text")]
    public async Task A_ttl_is_only_ever_lengthened_and_one_that_is_no_number_is_left_alone(string ttl, int? retentionDays, string expected)
    {
        var session = ServerSession.Start("ttl-" + ttl, "p", "i", "svc", TimeSpan.FromHours(3), s_now);
        var item = SessionItem.ToItem(session with { Version = 1 }, TimeSpan.FromDays(30));
        item[SessionItem.StartedAt] = SessionItem.S(Rfc3339Nano(session.StartedAt, TimeSpan.FromHours(-4)));
        string? Ttl(string what) => what switch
        {
            "none" => null,
            "expires+1h" => SessionItem.TtlOf(session.ExpiresAt, TimeSpan.FromHours(1)).N,
            "expires+30d" => SessionItem.TtlOf(session.ExpiresAt, TimeSpan.FromDays(30)).N,
            "expires+60d" => SessionItem.TtlOf(session.ExpiresAt, TimeSpan.FromDays(60)).N,
            "far" => "4102444800",
            _ => null,
        };
        if (ttl == "text")
        {
            item[SessionItem.Ttl] = SessionItem.S("forever");
        }
        else if (Ttl(ttl) is { } seconds)
        {
            item[SessionItem.Ttl] = new AttributeValue { N = seconds };
        }
        else
        {
            item.Remove(SessionItem.Ttl);
        }

        await PutAsync(Server.Client, Table, item);
        var retention = retentionDays is { } days ? TimeSpan.FromDays(days) : (TimeSpan?)null;

        var dry = await SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { DryRun = true, Retention = retention });
        await SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { Retention = retention });

        var raw = await RawAsync(Server.Client, Table, session.Id);
        if (expected == "text")
        {
            raw[SessionItem.Ttl].S.Should().Be("forever");
        }
        else
        {
            raw[SessionItem.Ttl].N.Should().Be(Ttl(expected));
        }

        dry.ChangedAttributes.ContainsKey(SessionItem.Ttl).Should().Be(expected != ttl, "the dry run reports a ttl it would change");
        dry.ChangedAttributes.Should().ContainKey(SessionItem.StartedAt);
    }

    [Fact]
    public async Task An_interrupted_run_resumes_after_the_last_id_it_reported()
    {
        var ids = await PutGoItemsAsync(20);
        using var stop = new CancellationTokenSource();
        SessionTableMigrationResult? last = null;
        var progress = new Progress(p =>
        {
            last = p;
            stop.Cancel();
        });

        await FluentActions.Awaiting(() => SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { PageSize = 6 }, progress, stop.Token))
            .Should().ThrowAsync<OperationCanceledException>();

        last.Should().NotBeNull();
        last!.Migrated.Should().Be(6);
        last.ResumeAfterId.Should().NotBeNull();
        var resumed = await SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { PageSize = 6, StartAfterId = last.ResumeAfterId });

        (last.Migrated + resumed.Migrated).Should().Be(20);
        resumed.AlreadyCanonical.Should().Be(0, "the resumed run starts after the items already done");
        var check = await SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { DryRun = true });
        (check.Migrated, check.AlreadyCanonical).Should().Be((0, ids.Count));
    }

    [Fact]
    public async Task A_corrupt_item_is_reported_by_id_and_the_run_goes_on()
    {
        var ids = await PutGoItemsAsync(4);
        var corrupt = SessionId.New();
        var item = Active(corrupt, "u", "p", "i", "2034-05-06T09:00:00Z", "2034-05-06T11:00:00Z");
        item[SessionItem.ExpiresAt] = SessionItem.S("soon");
        await PutAsync(Server.Client, Table, item);

        var run = await SessionTableMigration.MigrateAsync(Server.Client, Table);

        run.Migrated.Should().Be(4);
        run.FailedIds.Should().Equal(corrupt);
        run.Failures[corrupt].Should().BeOfType<SessionCorruptException>().Which.AttributeName.Should().Be(SessionItem.ExpiresAt);
        (await RawAsync(Server.Client, Table, corrupt))[SessionItem.ExpiresAt].S.Should().Be("soon");
    }

    [Fact]
    public async Task The_sweepers_lease_item_is_neither_migrated_nor_counted()
    {
        DynamoDbSweepLease.Key.Should().StartWith(SessionItem.ReservedIdPrefix);
        var lease = new DynamoDbSweepLease(Server.Client, Table);
        await lease.TryTakeAsync("host-a", TimeSpan.FromMinutes(2), seen: null, s_now, default);
        var before = await RawAsync(Server.Client, Table, DynamoDbSweepLease.Key);
        var ids = await PutGoItemsAsync(2);

        var run = await SessionTableMigration.MigrateAsync(Server.Client, Table);

        (run.Scanned, run.Migrated, run.Failed).Should().Be((2, 2, 0));
        (await RawAsync(Server.Client, Table, DynamoDbSweepLease.Key)).Should().BeEquivalentTo(before);
        ids.Should().HaveCount(2);
    }

    [Fact]
    public async Task Bad_settings_are_refused_before_any_request()
    {
        await FluentActions.Awaiting(() => SessionTableMigration.MigrateAsync(Server.Client, "x")).Should().ThrowAsync<ArgumentException>().WithParameterName("tableName");
        await FluentActions.Awaiting(() => SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { PageSize = 0 }))
            .Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("options");
        await FluentActions.Awaiting(() => SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { Retention = TimeSpan.MaxValue }))
            .Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("options");
        await FluentActions.Awaiting(() => SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { StartAfterId = string.Empty }))
            .Should().ThrowAsync<ArgumentException>().WithParameterName("options");
    }

    [Fact]
    public async Task Migrating_while_sessions_are_touched_and_revoked_loses_nothing()
    {
        var ids = await PutGoItemsAsync(40);
        var served = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var revoked = ids.Where((_, i) => i % 4 == 0).ToHashSet(StringComparer.Ordinal);

        var traffic = Task.Run(async () =>
        {
            for (var round = 0; round < 5; round++)
            {
                await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
                {
                    if (round == 2 && revoked.Contains(id))
                    {
                        await Store.RevokeAsync(id, "ops", "during migration", ct);
                        return;
                    }

                    try
                    {
                        await Store.TouchAsync(id, ct);
                        served.AddOrUpdate(id, 1, (_, n) => n + 1);
                    }
                    catch (SessionRevokedException) when (revoked.Contains(id))
                    {
                    }
                });
            }
        });
        var migration = new List<SessionTableMigrationResult>
        {
            await SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { PageSize = 3, Retention = s_retention }),
        };
        await traffic;
        while (migration[^1].Skipped > 0 || migration[^1].Migrated > 0)
        {
            migration.Count.Should().BeLessThan(5);
            migration.Add(await SessionTableMigration.MigrateAsync(Server.Client, Table, new SessionTableMigrationOptions { Retention = s_retention }));
        }

        migration.Sum(m => m.Failed).Should().Be(0);
        foreach (var id in ids)
        {
            var session = await Store.GetAsync(id);
            session.RequestCount.Should().Be(served.GetValueOrDefault(id), $"every Touch of {id} is kept");
            if (revoked.Contains(id))
            {
                session.Status.Should().Be(SessionStatus.Revoked);
                session.RevokedBy.Should().Be("ops");
                await FluentActions.Awaiting(() => Store.TouchAsync(id)).Should().ThrowAsync<SessionRevokedException>();
            }
            else
            {
                session.Status.Should().Be(SessionStatus.Active);
                await Store.TouchAsync(id);
            }

            var raw = await RawAsync(Server.Client, Table, id);
            SessionTimestamp.IsCanonical(raw[SessionItem.CreatedAt].S).Should().BeTrue();
            raw[DeviceId].S.Should().Be("dev-" + id[..4]);
        }
    }

    /// <summary>Go-written items with created_at in a spread of forms, all Active, expiring in an hour or two.</summary>
    private async Task<List<string>> PutGoItemsAsync(int count)
    {
        var ids = new List<string>(count);
        TimeSpan[] offsets = [TimeSpan.Zero, TimeSpan.FromHours(2), TimeSpan.FromHours(-5), TimeSpan.FromHours(14)];
        for (var i = 0; i < count; i++)
        {
            var id = SessionId.New();
            var start = s_now.AddMinutes(-i).AddMilliseconds(i * 100);
            var offset = offsets[i % offsets.Length];
            await PutAsync(Server.Client, Table, Active(
                id, "user-" + (i % 3), "p", "i-" + i, Rfc3339Nano(start, TimeSpan.Zero), Rfc3339Nano(start.AddHours(1 + (i % 2)), offset),
                Rfc3339Nano(start, offset), Rfc3339Nano(start, TimeSpan.FromHours(2))));
            ids.Add(id);
        }

        return ids;
    }

    private async Task<Dictionary<string, Dictionary<string, AttributeValue>>> SnapshotAsync(IEnumerable<string> ids)
    {
        var snapshot = new Dictionary<string, Dictionary<string, AttributeValue>>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            snapshot[id] = await RawAsync(Server.Client, Table, id);
        }

        return snapshot;
    }

    private sealed class Progress(Action<SessionTableMigrationResult> report) : IProgress<SessionTableMigrationResult>
    {
        public void Report(SessionTableMigrationResult value) => report(value);
    }
}

/// <summary><see cref="SessionTableMigrationTests"/> on dynalite.</summary>
public sealed class SessionTableMigrationTestsOnDynalite(DynaliteFixture server) : SessionTableMigrationTests(server), IClassFixture<DynaliteFixture>;

public sealed class SessionTableMigrationTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : SessionTableMigrationTests(server), IClassFixture<DynamoDbLocalFixture>;
