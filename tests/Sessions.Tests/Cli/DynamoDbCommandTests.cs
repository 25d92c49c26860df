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
    public async Task Table_migrate_counts_in_a_dry_run_then_migrates_and_exits_4_naming_an_item_it_cannot_migrate()
    {
        var table = await server.CreateTableAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(SessionId.New());
            await GoWrittenItems.PutAsync(server.Client, table, GoWrittenItems.Active(ids[^1], "u", "p", "i", "2034-05-06T09:00:00Z", "2034-05-06T11:00:00+02:00"));
        }

        var dry = await RunAsync("table", "migrate", "--table", table, "--dry-run", "--json");
        dry.ExitCode.Should().Be(0, dry.ToString());
        dry.Json().GetProperty("migrated").GetInt32().Should().Be(3);
        dry.Json().GetProperty("dryRun").GetBoolean().Should().BeTrue();

        var corrupt = GoWrittenItems.Active(SessionId.New(), "u", "p", "i", "2034-05-06T09:00:00Z", "never");
        await GoWrittenItems.PutAsync(server.Client, table, corrupt);
        var run = await RunAsync("table", "migrate", "--table", table, "--retention", "02:00:00");
        run.ExitCode.Should().Be(4, run.ToString());
        run.Out.Should().Be($"Migrated 3 of 4 items in table '{table}': 0 already in the stored form, 0 changed meanwhile (run again), 1 failed.\n");
        run.Error.Should().Contain(corrupt["id"].S).And.Contain("'expires_at'");

        var again = await RunAsync("table", "migrate", "--table", table, "--retention", "02:00:00", "--json");
        again.Json().GetProperty("alreadyCanonical").GetInt32().Should().Be(3);
        (await GoWrittenItems.RawAsync(server.Client, table, ids[0]))["expires_at"].S.Should().Be("2034-05-06T09:00:00.0000000Z");
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

    [Fact]
    public async Task The_demo_runs_against_the_server_and_every_worker_stops_after_the_revocation()
    {
        var result = await RunAsync("demo", "--table", server.NewTableName(), "--requests", "80", "--workers", "4");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain("the revocation stopped all 4 workers");
        result.Out.Should().Contain("requests served                40 (stored RequestCount: 40)");
    }

    private ISessionStore StoreOn(string table) =>
        new Sessions.DynamoDb.DynamoDbSessionStore(server.Client, Microsoft.Extensions.Options.Options.Create(new Sessions.DynamoDb.DynamoDbSessionStoreOptions { TableName = table }));

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
