using Microsoft.Extensions.DependencyInjection;
using Sessions.Cli;
using Sessions.Cli.Output;

namespace Sessions.Tests.Cli;

/// <summary>The operator commands and the demo through the tool's own DynamoDB wiring (`--endpoint`), on the test server.</summary>
public abstract class DynamoDbCommandTests(DynamoDbServerFixture server)
{
    [Fact]
    public async Task Table_create_then_create_list_show_revoke_show_again_on_a_DynamoDB_compatible_server()
    {
        var table = server.NewTableName();
        (await RunAsync("table", "create", "--table", table)).ExitCode.Should().Be(0);
        var user = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var session = await StoreOn(table).CreateAsync(ServerSession.Start(user, "prod-deploy", "cred-server-1", "role/deploy", TimeSpan.FromHours(1), DateTimeOffset.UtcNow));

        var list = await RunAsync("list", "--table", table, "--user", user, "--json");
        list.ExitCode.Should().Be(0, list.ToString());
        list.Json().GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).Should().Equal(session.Id);

        var show = await RunAsync("show", session.Id, "--table", table, "--json");
        show.Json().GetProperty("status").GetString().Should().Be("active");

        var revoke = await RunAsync("revoke", session.Id, "--by", "ops@example.com", "--reason", "leaked", "--table", table);
        revoke.ExitCode.Should().Be(0, revoke.ToString());

        var again = await RunAsync("show", session.Id, "--table", table, "--json");
        again.Json().GetProperty("status").GetString().Should().Be("revoked");
        again.Json().GetProperty("revokedBy").GetString().Should().Be("ops@example.com");
        (await RunAsync("revoke", session.Id, "--by", "ops@example.com", "--reason", "twice", "--table", table)).ExitCode.Should().Be(1);
    }

    [Fact]
    public async Task Table_describe_of_a_single_Region_table_says_single_Region_in_text_and_json()
    {
        var table = await server.CreateTableAsync();

        var text = await RunAsync("table", "describe", "--table", table);
        var json = await RunAsync("table", "describe", "--table", table, "--json");

        text.ExitCode.Should().Be(0, text.ToString());
        text.Out.Should().Contain("  regions       single Region\n").And.NotContain("consistency").And.NotContain("REGION");
        json.ExitCode.Should().Be(0, json.ToString());
        json.Json().GetProperty("regions").GetString().Should().Be("single Region");
        json.Json().GetProperty("multiRegionConsistency").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        json.Json().GetProperty("replicas").GetArrayLength().Should().Be(0);
        json.Json().GetProperty("witnesses").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Table_describe_of_a_global_table_shows_its_replicas_witness_and_consistency_mode_in_text_and_json()
    {
        var table = await server.CreateTableAsync();
        var client = server.CreateClient(new GlobalTableDescriptionHandler(
            [("eu-west-1", "ACTIVE"), ("eu-central-1", "CREATING")], "STRONG", witnesses: [("eu-west-2", "ACTIVE")]));

        var text = await RunOnClientAsync(client, "table", "describe", "--table", table);
        var json = await RunOnClientAsync(client, "table", "describe", "--table", table, "--json");

        text.ExitCode.Should().Be(0, text.ToString());
        text.Out.Should().Contain($"  regions       global table (version {GlobalTableDescriptionHandler.Version}), 2 replicas and 1 witness\n")
            .And.Contain("  consistency   STRONG (multi-Region strong consistency)\n");
        var rows = text.Out.Split('\n').SkipWhile(line => !line.StartsWith("  REGION", StringComparison.Ordinal)).ToList();
        rows.Should().HaveCountGreaterThanOrEqualTo(4);
        rows[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Should().Equal("REGION", "ROLE", "STATUS");
        rows[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Should().Equal("eu-west-1", "replica", "ACTIVE");
        rows[2].Split(' ', StringSplitOptions.RemoveEmptyEntries).Should().Equal("eu-central-1", "replica", "CREATING");
        rows[3].Split(' ', StringSplitOptions.RemoveEmptyEntries).Should().Equal("eu-west-2", "witness", "ACTIVE");

        json.ExitCode.Should().Be(0, json.ToString());
        var root = json.Json();
        root.GetProperty("regions").GetString().Should().Be("global table");
        root.GetProperty("multiRegionConsistency").GetString().Should().Be("STRONG");
        root.GetProperty("globalTableVersion").GetString().Should().Be(GlobalTableDescriptionHandler.Version);
        root.GetProperty("replicas").EnumerateArray().Select(r => (r.GetProperty("region").GetString(), r.GetProperty("status").GetString()))
            .Should().Equal(("eu-west-1", "ACTIVE"), ("eu-central-1", "CREATING"));
        root.GetProperty("witnesses").EnumerateArray().Select(r => r.GetProperty("region").GetString()).Should().Equal("eu-west-2");
        root.GetProperty("indexes").GetArrayLength().Should().Be(4, "the rest of the answer is the server's own");
    }

    [Fact]
    public async Task Table_describe_of_a_global_table_without_a_reported_mode_says_so_and_escapes_what_it_quotes()
    {
        var table = await server.CreateTableAsync();
        var client = server.CreateClient(new GlobalTableDescriptionHandler([("us-east-1\u001b[2J", "ACTIVE")], consistency: null));

        var text = await RunOnClientAsync(client, "table", "describe", "--table", table);

        text.ExitCode.Should().Be(0, text.ToString());
        text.Out.Should().Contain("  consistency   not reported (EVENTUAL, multi-Region eventual consistency, is the default)\n")
            .And.Contain(@"us-east-1\e[2J").And.NotContain("\u001b");
    }

    [Fact]
    public async Task Table_migrate_counts_in_a_dry_run_then_migrates_and_exits_4_naming_an_item_it_cannot_migrate()
    {
        var table = await server.CreateTableAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(SessionId.New());
            var item = GoWrittenItems.Active(ids[^1], "u", "p", "i", "2034-05-06T09:00:00Z", "2034-05-06T12:00:00+02:00");
            item.Remove(SessionItem.Ttl);
            await GoWrittenItems.PutAsync(server.Client, table, item);
        }

        var dry = await RunAsync("table", "migrate", "--table", table, "--dry-run", "--json");
        dry.ExitCode.Should().Be(0, dry.ToString());
        dry.Json().GetProperty("migrated").GetInt32().Should().Be(3);
        dry.Json().GetProperty("dryRun").GetBoolean().Should().BeTrue();
        dry.Json().GetProperty("changedAttributes").GetProperty("ttl").GetInt32().Should().Be(3, "the items have no ttl, and would get one");

        var corrupt = GoWrittenItems.Active(SessionId.New(), "u", "p", "i", "2034-05-06T09:00:00Z", "never");
        await GoWrittenItems.PutAsync(server.Client, table, corrupt);
        var run = await RunAsync("table", "migrate", "--table", table, "--retention", "02:00:00");
        run.ExitCode.Should().Be(4, run.ToString());
        run.Out.Should().StartWith($"Migrated 3 of 4 items in table '{table}': 0 already in the stored form, 0 changed meanwhile (run again), 1 failed.\n")
            .And.Contain("Attributes changed: ").And.Contain("expires_at 3 items").And.Contain("ttl 3 items");
        run.Error.Should().Contain(corrupt["id"].S).And.Contain("'expires_at'");

        var again = await RunAsync("table", "migrate", "--table", table, "--retention", "02:00:00", "--json");
        again.Json().GetProperty("alreadyCanonical").GetInt32().Should().Be(3);
        var raw = await GoWrittenItems.RawAsync(server.Client, table, ids[0]);
        raw["expires_at"].S.Should().Be("2034-05-06T10:00:00.0000000Z");
        raw["ttl"].N.Should().Be(SessionItem.TtlOf(new DateTimeOffset(2034, 5, 6, 12, 0, 0, TimeSpan.Zero), TimeSpan.Zero).N, "expiry + the 2 hours asked for");
    }

    [Fact]
    public async Task A_forged_page_token_whose_start_key_DynamoDB_would_refuse_exits_2_before_any_request()
    {
        var table = await server.CreateTableAsync();
        var user = "forger-" + Guid.NewGuid().ToString("N")[..8];

        // Anyone can compute the checksum (a plain SHA-256): only the checks of what the token holds refuse it.
        static byte[] Field(string value)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(value);
            return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
        }

        var fingerprint = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"sessions-page-query\0user\0{user}"))[..8];
        byte[] payload = [2, .. fingerprint, 1, 1, .. Field("2034-05-06T09:00:00.0000000Z"), .. Field(new string('a', 3_000))];
        var forged = System.Buffers.Text.Base64Url.EncodeToString([.. payload, .. System.Security.Cryptography.SHA256.HashData(payload)[..8]]);

        var result = await RunAsync("list", "--table", table, "--user", user, "--next", forged);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().Contain("more than DynamoDB stores").And.NotContain("ListByUser failed", "nothing reached the server");
    }

    [Fact]
    public async Task A_bad_id_exits_2_and_a_missing_table_exits_3_naming_it()
    {
        var bad = await RunAsync("show", "NOT-AN-ID", "--table", "sessions-absent");
        bad.ExitCode.Should().Be(2);
        bad.Error.Should().Contain("NOT-AN-ID");

        var missing = await RunAsync("list", "--table", "sessions-absent-" + Guid.NewGuid().ToString("N")[..6]);
        missing.ExitCode.Should().Be(3, missing.ToString());
        missing.Error.Should().Contain("sessions-absent-").And.Contain("ListByStatus");
        missing.Error.Trim().Split('\n').Should().ContainSingle("an error is one line");
    }

    public static TheoryData<string> Corruptions => [.. s_corruptions.Keys];

    private static readonly Dictionary<string, (string Attribute, Action<Dictionary<string, AttributeValue>> Corrupt)> s_corruptions = new()
    {
        ["started_at with a space instead of T"] = (SessionItem.StartedAt, item => item[SessionItem.StartedAt] = SessionItem.S(item[SessionItem.StartedAt].S.Replace('T', ' '))),
        ["created_at with a space instead of T"] = (SessionItem.CreatedAt, item => item[SessionItem.CreatedAt] = SessionItem.S(item[SessionItem.CreatedAt].S.Replace('T', ' '))),
        ["expires_at missing"] = (SessionItem.ExpiresAt, item => item.Remove(SessionItem.ExpiresAt)),
        ["request_count a string"] = (SessionItem.RequestCount, item => item[SessionItem.RequestCount] = SessionItem.S("7")),
        ["version NULL"] = (SessionItem.Version, item => item[SessionItem.Version] = new AttributeValue { NULL = true }),
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task List_with_every_filter_and_output_prints_the_readable_sessions_names_the_corrupt_item_on_stderr_and_exits_4(string corruption)
    {
        var (table, healthy, corrupt, attribute) = await TableWithACorruptItemAsync(corruption);
        List<string[]> filters = [[], ["--user", healthy.User], ["--session-profile", healthy.Profile], ["--since", "2d"], ["--status", "active", "--all"]];
        if (attribute != SessionItem.CreatedAt)
        {
            // Pages of one: a page ends on the corrupt item, and its token holds the item's created_at as the position
            // to go on from. The store's paging refuses to go on from a created_at that is no timestamp (a limit of the
            // store, not of the tool), so only the other kinds of damage are listed a page at a time.
            filters.Add(["--user", healthy.User, "--all", "--limit", "1"]);
        }

        foreach (var filter in filters)
        {
            foreach (var output in new[] { "human", "json", "csv" })
            {
                var result = await RunAsync(["list", "--table", table, .. filter, "--output", output]);

                var what = $"list {string.Join(' ', filter)} --output {output}: {result}";
                result.ExitCode.Should().Be(4, what);
                result.Out.Should().Contain(healthy.Id, what).And.NotContain(corrupt, what);
                var errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line.StartsWith("error:", StringComparison.Ordinal));
                errors.Should().ContainSingle(what).Which.Should()
                    .StartWith($"error: cannot read item '{corrupt}' (attribute '{attribute}'): ", what)
                    .And.Contain($"'{attribute}'", what).And.Contain(table, what);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task Watch_counts_a_corrupt_active_item_on_its_first_refresh_and_keeps_running(string corruption)
    {
        var (table, healthy, corrupt, _) = await TableWithACorruptItemAsync(corruption);
        using var ctrlC = new CancellationTokenSource();
        using var stdout = new CancelOnFlushWriter(ctrlC);
        using var stderr = new StringWriter();

        var exitCode = await CliApp.RunAsync(
            ["watch", "--table", table, "--endpoint", server.Endpoint.ToString()],
            new CliConsole(stdout, stderr),
            storeFactory: null,
            new FakeTimeProvider(DateTimeOffset.UtcNow),
            cancellationToken: ctrlC.Token);

        exitCode.Should().Be(0, "Ctrl-C after the first refresh ends it");
        stderr.ToString().Should().BeEmpty();
        stdout.ToString().Should().Contain($"active   {healthy.Id}").And.Contain($"  1 unreadable item: {corrupt}\n");
    }

    [Fact]
    public async Task Revoke_user_revokes_the_exact_user_and_list_and_revoke_user_name_the_lookalikes_stored_with_invisible_characters()
    {
        var table = await server.CreateTableAsync();
        var store = StoreOn(table);
        var user = "alice-" + Guid.NewGuid().ToString("N")[..6];
        var now = DateTimeOffset.UtcNow;
        var exact = await store.CreateAsync(ServerSession.Start(user, "p", "i-1", string.Empty, TimeSpan.FromHours(1), now.AddMinutes(-3)));
        var zeroWidth = await store.CreateAsync(ServerSession.Start(user + "\u200b", "p", "i-2", string.Empty, TimeSpan.FromHours(1), now.AddMinutes(-2)));
        var tagged = await store.CreateAsync(ServerSession.Start(user + "\U000E0041", "p", "i-3", string.Empty, TimeSpan.FromHours(1), now.AddMinutes(-1)));

        var list = await RunAsync("list", "--table", table, "--user", user, "--output", "csv");
        var revoke = await RunAsync("revoke-user", user, "--by", "ops", "--table", table);

        list.ExitCode.Should().Be(0, list.ToString());
        list.Out.Should().Contain(exact.Id).And.NotContain(zeroWidth.Id).And.NotContain(tagged.Id);
        revoke.ExitCode.Should().Be(0, revoke.ToString());
        foreach (var result in new[] { list, revoke })
        {
            result.Error.Should().Contain($@"user '{user}\u200b' looks like '{user}'").And.Contain(zeroWidth.Id)
                .And.Contain($@"user '{user}\U000e0041' looks like '{user}'").And.Contain(tagged.Id);
        }

        (await store.GetAsync(exact.Id)).Status.Should().Be(SessionStatus.Revoked);
        (await store.GetAsync(zeroWidth.Id)).Status.Should().Be(SessionStatus.Active);
        (await store.GetAsync(tagged.Id)).Should().Match<ServerSession>(s => s.Status == SessionStatus.Active && s.User == user + "\U000E0041");
    }

    [Fact]
    public async Task Watch_on_a_missing_table_exits_3_naming_it()
    {
        var table = "sessions-absent-" + Guid.NewGuid().ToString("N")[..6];

        var result = await RunAsync("watch", "--table", table);

        result.ExitCode.Should().Be(3, result.ToString());
        result.Error.Should().Contain(table).And.Contain("ListByStatus");
        result.Out.Should().BeEmpty();
    }

    [Fact]
    public async Task The_demo_runs_against_the_server_and_every_worker_stops_after_the_revocation()
    {
        var result = await RunAsync("demo", "--table", server.NewTableName(), "--requests", "80", "--workers", "4");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain("the revocation stopped all 4 workers");
        result.Out.Should().Contain("requests served                40 (stored RequestCount: 40)");
    }

    /// <summary>A new table holding one healthy active session and, beside it, an active item of the same user and profile damaged as named.</summary>
    private async Task<(string Table, ServerSession Healthy, string CorruptId, string Attribute)> TableWithACorruptItemAsync(string corruption)
    {
        var (attribute, damage) = s_corruptions[corruption];
        var table = await server.CreateTableAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;
        var healthy = await StoreOn(table).CreateAsync(ServerSession.Start($"user-{tag}", $"profile-{tag}", "cred-server-1", "svc", TimeSpan.FromHours(1), now.AddMinutes(-2)));
        var corrupt = ServerSession.Start(healthy.User, healthy.Profile, "cred-server-2", "svc", TimeSpan.FromHours(1), now.AddMinutes(-1)) with { Version = 1 };
        var item = SessionItem.ToItem(corrupt, TimeSpan.FromHours(1));
        damage(item);
        await server.Client.PutItemAsync(new PutItemRequest { TableName = table, Item = item });
        return (table, healthy, corrupt.Id, attribute);
    }

    private ISessionStore StoreOn(string table) =>
        new Sessions.DynamoDb.DynamoDbSessionStore(server.Client, Microsoft.Extensions.Options.Options.Create(new Sessions.DynamoDb.DynamoDbSessionStoreOptions { TableName = table }));

    /// <summary>Runs a command whose store and table commands use <paramref name="client"/>.</summary>
    private static async Task<CliResult> RunOnClientAsync(IAmazonDynamoDB client, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var console = new CliConsole(stdout, stderr, OutIsTerminal: false, ErrorIsTerminal: false);
        var exitCode = await CliApp.RunAsync(args, console, connection =>
        {
            var services = new ServiceCollection();
            services.AddSingleton(client);
            services.AddSessionStore(options => options.TableName = connection.Table);
            return services.BuildServiceProvider();
        }, TimeProvider.System);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    private async Task<CliResult> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var console = new CliConsole(stdout, stderr, OutIsTerminal: false, ErrorIsTerminal: false);
        var exitCode = await CliApp.RunAsync([.. args, "--endpoint", server.Endpoint.ToString()], console, storeFactory: null, TimeProvider.System);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }
}

public sealed class DynamoDbCommandTestsOnDynalite(DynaliteFixture server) : DynamoDbCommandTests(server), IClassFixture<DynaliteFixture>;

public sealed class DynamoDbCommandTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : DynamoDbCommandTests(server), IClassFixture<DynamoDbLocalFixture>;
