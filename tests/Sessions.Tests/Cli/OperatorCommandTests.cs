using System.Text.Json;
using Moq;

namespace Sessions.Tests.Cli;

public sealed class OperatorCommandTests
{
    private const string Table = CliHarness.Table;
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task Create_list_show_revoke_show_again_follows_the_session_to_revoked()
    {
        var session = await _cli.CreateAsync();
        await _cli.Store.TouchAsync(session.Id);

        var list = await _cli.RunAsync("list", "--table", Table);
        list.ExitCode.Should().Be(0, list.ToString());
        list.Out.Should().Contain(session.Id).And.Contain("active").And.Contain("alice").And.Contain("1 session, status active");

        var show = await _cli.RunAsync("show", session.Id, "--table", Table);
        show.ExitCode.Should().Be(0, show.ToString());
        show.Out.Should().MatchRegex(@"status\s+active").And.MatchRegex(@"requests\s+1\n").And.MatchRegex(@"profile\s+prod-deploy");

        var revoke = await _cli.RunAsync("revoke", session.Id, "--by", "ops@example.com", "--reason", "leaked", "--table", Table);
        revoke.ExitCode.Should().Be(0, revoke.ToString());
        revoke.Out.Should().Contain($"Revoked session {session.Id}");

        var again = await _cli.RunAsync("show", session.Id, "--table", Table);
        again.ExitCode.Should().Be(0, again.ToString());
        again.Out.Should().MatchRegex(@"status\s+revoked").And.MatchRegex(@"revoked by\s+ops@example.com").And.MatchRegex(@"revoked reason\s+leaked");
        (await _cli.Store.GetAsync(session.Id)).Status.Should().Be(SessionStatus.Revoked);

        var active = await _cli.RunAsync("list", "--table", Table);
        active.Out.Should().NotContain(session.Id);
        _cli.Connections.Should().OnlyContain(c => c.Table == Table);
    }

    [Fact]
    public async Task Show_json_has_every_field_in_stable_names()
    {
        var session = await _cli.CreateAsync();
        await _cli.Store.RevokeAsync(session.Id, "ops", "why");

        var result = await _cli.RunAsync("show", session.Id, "--table", Table, "--json");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Error.Should().BeEmpty();
        var json = result.Json();
        json.GetProperty("id").GetString().Should().Be(session.Id);
        json.GetProperty("status").GetString().Should().Be("revoked");
        json.GetProperty("user").GetString().Should().Be("alice");
        json.GetProperty("profile").GetString().Should().Be("prod-deploy");
        json.GetProperty("serverInstanceId").GetString().Should().Be("cred-server-1");
        json.GetProperty("sourceIdentity").GetString().Should().Be("role/deploy");
        json.GetProperty("requestCount").GetInt64().Should().Be(0);
        json.GetProperty("revokedBy").GetString().Should().Be("ops");
        json.GetProperty("revokedReason").GetString().Should().Be("why");
        json.GetProperty("version").GetInt64().Should().Be(2);
        json.GetProperty("createdAt").GetDateTimeOffset().Should().Be(session.CreatedAt);
        json.GetProperty("expiresAt").GetDateTimeOffset().Should().Be(session.ExpiresAt);
    }

    [Fact]
    public async Task List_json_parses_and_pages_with_next_token()
    {
        var created = new List<ServerSession>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await _cli.CreateAsync(user: "bob"));
        }

        var first = await _cli.RunAsync("list", "--table", Table, "--user", "bob", "--limit", "2", "--json");
        first.ExitCode.Should().Be(0, first.ToString());
        var page = first.Json();
        page.GetProperty("items").GetArrayLength().Should().Be(2);
        page.GetProperty("items")[0].GetProperty("id").GetString().Should().Be(created[^1].Id, "lists are newest first");
        var token = page.GetProperty("nextToken").GetString();
        token.Should().NotBeNullOrEmpty();

        var ids = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        while (token is not null)
        {
            var next = await _cli.RunAsync("list", "--table", Table, "--user", "bob", "--limit", "2", "--next", token, "--json");
            next.ExitCode.Should().Be(0, next.ToString());
            var json = next.Json();
            ids.AddRange(json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
            token = json.GetProperty("nextToken").ValueKind == JsonValueKind.Null ? null : json.GetProperty("nextToken").GetString();
        }

        ids.Should().Equal(created.Select(s => s.Id).Reverse());
    }

    [Fact]
    public async Task List_all_reads_every_page_and_prints_no_token()
    {
        for (var i = 0; i < 7; i++)
        {
            await _cli.CreateAsync(profile: "analytics");
        }

        var result = await _cli.RunAsync("list", "--table", Table, "--session-profile", "analytics", "--limit", "3", "--all", "--json");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Json().GetProperty("items").GetArrayLength().Should().Be(7);
        result.Json().GetProperty("nextToken").ValueKind.Should().Be(JsonValueKind.Null);
        result.Error.Should().BeEmpty("progress goes to a terminal only");
    }

    [Fact]
    public async Task List_human_output_tells_how_to_get_the_next_page()
    {
        for (var i = 0; i < 3; i++)
        {
            await _cli.CreateAsync();
        }

        var result = await _cli.RunAsync("list", "--table", Table, "--limit", "2");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain("ID").And.Contain("SERVER INSTANCE").And.Contain("2 sessions, status active").And.Contain("--next ");
        result.Out.Should().NotContain("\u001b", "redirected output has no escape codes");
    }

    [Fact]
    public async Task List_filters_by_status_user_profile_and_time_range()
    {
        var old = await _cli.CreateAsync(user: "carol", profile: "billing");
        _cli.Time.Advance(TimeSpan.FromHours(3));
        var recent = await _cli.CreateAsync(user: "dave", profile: "billing");
        await _cli.Store.RevokeAsync(recent.Id, "ops", "test");

        (await Ids("--status", "revoked")).Should().Equal(recent.Id);
        (await Ids("--status", "active")).Should().Equal(old.Id);
        (await Ids("--user", "carol")).Should().Equal(old.Id);
        (await Ids("--session-profile", "billing")).Should().Equal(recent.Id, old.Id);
        (await Ids("--since", "2h")).Should().Equal(recent.Id);
        (await Ids("--until", "2h")).Should().Equal(old.Id);
        (await Ids("--since", "2026-01-20T00:00:00Z", "--until", "2026-01-21")).Should().Equal(recent.Id, old.Id);
    }

    [Theory]
    [InlineData("--user", "a", "--status", "active")]
    [InlineData("--since", "yesterday")]
    [InlineData("--since", "1h", "--until", "2h")]
    [InlineData("--status", "paused")]
    [InlineData("--limit", "0")]
    [InlineData("--limit", "many")]
    [InlineData("--next", "not-a-token")]
    [InlineData("--endpoint", "localhost:8000")]
    public async Task List_with_a_bad_option_exits_2_with_one_line_on_stderr(params string[] options)
    {
        var result = await _cli.RunAsync(["list", "--table", Table, .. options]);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Out.Should().BeEmpty();
        result.Error.Should().StartWith("error: ").And.EndWith("\n");
        result.Error.TrimEnd().Should().NotContain("\n", "an error is one line").And.NotContain("   at ", "no stack trace");
    }

    [Fact]
    public async Task A_missing_table_option_exits_2()
    {
        var result = await _cli.RunAsync("list");

        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("--table");
    }

    [Theory]
    [InlineData("show", "NOT-AN-ID")]
    [InlineData("show", "0123456789ABCDEF")]
    [InlineData("revoke", "123", "--by", "ops")]
    public async Task A_malformed_id_exits_2_with_a_message(params string[] args)
    {
        var result = await _cli.RunAsync([.. args, "--table", Table]);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().Contain("is not a session id").And.Contain("16 lowercase hex");
        _cli.Connections.Should().BeEmpty("a bad command line opens no store");
    }

    [Fact]
    public async Task Show_of_a_missing_session_exits_1()
    {
        var result = await _cli.RunAsync("show", "0123456789abcdef", "--table", Table);

        result.ExitCode.Should().Be(1, result.ToString());
        result.Out.Should().BeEmpty();
        result.Error.Should().Be("error: Session '0123456789abcdef' was not found.\n");
    }

    [Fact]
    public async Task Revoking_a_revoked_session_exits_1_and_keeps_the_first_revocation()
    {
        var session = await _cli.CreateAsync();
        (await _cli.RunAsync("revoke", session.Id, "--by", "first", "--table", Table)).ExitCode.Should().Be(0);

        var again = await _cli.RunAsync("revoke", session.Id, "--by", "second", "--table", Table);

        again.ExitCode.Should().Be(1, again.ToString());
        again.Error.Should().StartWith("error: ").And.Contain("revoked");
        (await _cli.Store.GetAsync(session.Id)).RevokedBy.Should().Be("first");
    }

    [Fact]
    public async Task Revoke_requires_who_revokes()
    {
        var session = await _cli.CreateAsync();

        var result = await _cli.RunAsync("revoke", session.Id, "--table", Table);

        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("--by");
        (await _cli.Store.GetAsync(session.Id)).Status.Should().Be(SessionStatus.Active);
    }

    [Fact]
    public async Task Revoke_user_revokes_only_that_users_active_sessions()
    {
        var a1 = await _cli.CreateAsync(user: "erin");
        var a2 = await _cli.CreateAsync(user: "erin");
        var other = await _cli.CreateAsync(user: "frank");

        var result = await _cli.RunAsync("revoke-user", "erin", "--by", "ops", "--reason", "left", "--table", Table);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Be("Revoked 2 active sessions of user 'erin'. Skipped 0 (changed meanwhile); failed 0.\n");
        (await _cli.Store.GetAsync(a1.Id)).Status.Should().Be(SessionStatus.Revoked);
        (await _cli.Store.GetAsync(a2.Id)).Status.Should().Be(SessionStatus.Revoked);
        (await _cli.Store.GetAsync(other.Id)).Status.Should().Be(SessionStatus.Active);

        var json = await _cli.RunAsync("revoke-user", "erin", "--by", "ops", "--table", Table, "--json");
        json.Json().GetProperty("count").GetInt32().Should().Be(0);
        json.Json().GetProperty("action").GetString().Should().Be("revoked");
    }

    [Fact]
    public async Task Revoke_user_goes_on_past_a_session_it_cannot_revoke_prints_the_summary_and_exits_4()
    {
        var good = await _cli.CreateAsync(user: "gina");
        var bad = await _cli.CreateAsync(user: "gina");
        var gone = await _cli.CreateAsync(user: "gina");
        var store = new Mock<ISessionStore>(MockBehavior.Strict);
        store.Setup(s => s.ListByUserAsync("gina", It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new SessionPage([bad, good, gone], null));
        store.Setup(s => s.RevokeAsync(good.Id, "ops", "left", It.IsAny<CancellationToken>())).Returns(() => _cli.Store.RevokeAsync(good.Id, "ops", "left"));
        store.Setup(s => s.RevokeAsync(bad.Id, "ops", "left", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SessionCorruptException(bad.Id, "version", $"Stored session '{bad.Id}' is corrupt: attribute 'version' is not a number."));
        store.Setup(s => s.RevokeAsync(gone.Id, "ops", "left", It.IsAny<CancellationToken>())).ThrowsAsync(new SessionNotFoundException(gone.Id));
        store.Setup(s => s.ListByStatusAsync(SessionStatus.Active, It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .Returns((SessionStatus status, PageRequest? page, CancellationToken ct) => _cli.Store.ListByStatusAsync(status, page, ct));
        _cli.StoreOverride = store.Object;

        var result = await _cli.RunAsync("revoke-user", "gina", "--by", "ops", "--reason", "left", "--table", Table);

        result.ExitCode.Should().Be(4, result.ToString());
        result.Out.Should().Be("Revoked 1 active session of user 'gina'. Skipped 1 (changed meanwhile); failed 1.\n");
        result.Error.Should().Contain(bad.Id).And.Contain("'version'");
        (await _cli.Store.GetAsync(good.Id)).Status.Should().Be(SessionStatus.Revoked);

        var json = await _cli.RunAsync("revoke-user", "gina", "--by", "ops", "--reason", "left", "--table", Table, "--json");
        json.ExitCode.Should().Be(4, json.ToString());
        json.Json().GetProperty("failed").GetInt32().Should().Be(1);
        json.Json().GetProperty("failedIds").EnumerateArray().Select(e => e.GetString()).Should().Equal(bad.Id);
    }

    [Fact]
    public async Task Expire_stale_expires_sessions_past_their_expiry_on_the_given_clock()
    {
        var shortLived = await _cli.CreateAsync(duration: TimeSpan.FromMinutes(5));
        var longLived = await _cli.CreateAsync(duration: TimeSpan.FromHours(2));
        _cli.Time.Advance(TimeSpan.FromMinutes(10));

        var result = await _cli.RunAsync("expire-stale", "--table", Table, "--json");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Json().GetProperty("count").GetInt32().Should().Be(1);
        (await _cli.Store.GetAsync(shortLived.Id)).Status.Should().Be(SessionStatus.Expired);
        (await _cli.Store.GetAsync(longLived.Id)).Status.Should().Be(SessionStatus.Active);
    }

    [Fact]
    public async Task Progress_goes_to_stderr_on_a_terminal_and_never_into_json()
    {
        await _cli.CreateAsync(user: "gina");

        var result = await _cli.RunAsync(terminal: true, "revoke-user", "gina", "--by", "ops", "--table", Table, "--json");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Error.Should().Contain("revoking the active sessions of user 'gina'");
        result.Json().GetProperty("count").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task A_store_failure_exits_3_naming_the_table_and_operation()
    {
        _cli.FailGetsWith(new SessionStoreException("Rate exceeded.", "0123456789abcdef", "Get", "prod-sessions", new InvalidOperationException("throttled")));

        var result = await _cli.RunAsync("show", "0123456789abcdef", "--table", "prod-sessions");

        result.ExitCode.Should().Be(3, result.ToString());
        result.Error.Should().Be("error: Get failed on table 'prod-sessions': Rate exceeded. (throttled)\n");
    }

    [Fact]
    public async Task A_store_failure_without_a_table_is_named_after_the_command_and_table_option()
    {
        var store = new Mock<ISessionStore>();
        store.Setup(s => s.ListByStatusAsync(It.IsAny<SessionStatus>(), It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SessionStoreException("Access denied."));
        _cli.StoreOverride = store.Object;

        var result = await _cli.RunAsync("list", "--table", "audit-sessions");

        result.ExitCode.Should().Be(3, result.ToString());
        result.Error.Should().Be("error: list failed on table 'audit-sessions': Access denied.\n");
    }

    [Fact]
    public async Task Table_commands_on_a_store_without_DynamoDB_exit_2()
    {
        var result = await _cli.RunAsync("table", "describe", "--table", Table);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().Contain("DynamoDB");
    }

    [Fact]
    public async Task No_command_shows_help_and_exits_2()
    {
        var result = await _cli.RunAsync();

        result.ExitCode.Should().Be(2);
        result.Out.Should().Contain("Usage:").And.Contain("sessions [command]").And.Contain("demo").And.Contain("revoke-user");
    }

    [Fact]
    public async Task Connection_options_reach_the_store_factory()
    {
        await _cli.RunAsync("list", "--table", Table, "--endpoint", "http://localhost:8000", "--region", "eu-west-1", "--profile", "ops");

        _cli.Connections.Should().ContainSingle().Which.Should().Be(
            new Sessions.Cli.Hosting.StoreConnection(Table, new Uri("http://localhost:8000"), "eu-west-1", "ops"));
    }

    [Fact]
    public async Task Global_table_regions_reach_the_store_factory_with_the_Region_they_are_written_from()
    {
        await _cli.RunAsync("list", "--table", Table, "--region", "us-east-1", "--global-table-regions", "eu-west-1, us-east-1");

        var connection = _cli.Connections.Should().ContainSingle().Subject;
        connection.Region.Should().Be("us-east-1");
        connection.GlobalTableRegions.Should().Equal("eu-west-1", "us-east-1");
    }

    private async Task<IEnumerable<string?>> Ids(params string[] filter)
    {
        var result = await _cli.RunAsync(["list", "--table", Table, "--json", .. filter]);
        result.ExitCode.Should().Be(0, result.ToString());
        return result.Json().GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString());
    }
}
