namespace Sessions.Tests.Cli;

/// <summary>
/// Stored and caller text holding control characters reaches no output raw: tables, details, JSON and error lines show
/// it escaped (<c>\n</c>, <c>\e</c>, <c>\u202e</c>), so a value can neither forge a row or a line nor drive the terminal.
/// </summary>
public sealed class HostileTextTests
{
    private const string Table = CliHarness.Table;
    private const string ForgingUser = "mallory\n0123456789abcdef  active   admin";
    private const string EscapeProfile = "prod\u001b[2J\u001b]0;owned\u0007";
    private const string HidingRevoker = "\u001b[8mops";
    private const string ReversedInstance = "i-1\u202egnp.exe";
    private readonly CliHarness _cli = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task List_shows_a_user_holding_a_newline_on_its_own_row(bool terminal)
    {
        await _cli.CreateAsync(user: ForgingUser, profile: EscapeProfile, instance: ReversedInstance);
        await _cli.CreateAsync(user: "bob");

        var result = await _cli.RunAsync(terminal, "list", "--table", Table);

        result.ExitCode.Should().Be(0, result.ToString());
        var rows = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        rows.Should().HaveCount(4, "a header, two sessions and the summary");
        rows.Should().ContainSingle(r => r.Contains(@"mallory\n0123456789abcdef  active   admin", StringComparison.Ordinal));
        result.Out.Should().Contain(@"prod\e[2J\e]0;owned\x07").And.Contain(@"i-1\u202egnp.exe").And.NotContainAny("\u0007", "\u202e");
        StripStyles(result.Out).Should().NotContain("\u001b", "the only escape codes are the tool's own styles");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task List_and_show_make_invisible_format_characters_visible(bool terminal)
    {
        var session = await _cli.CreateAsync(user: "alice\u200b", profile: "prod\U000E0041\U000E007F", instance: "\ufeffi-1\u00ad\u2060");

        var list = await _cli.RunAsync(terminal, "list", "--table", Table);
        var show = await _cli.RunAsync(terminal, "show", session.Id, "--table", Table);
        var csv = await _cli.RunAsync("show", session.Id, "--table", Table, "--output", "csv");

        foreach (var result in new[] { list, show, csv })
        {
            result.ExitCode.Should().Be(0, result.ToString());
            result.Out.Should().Contain(@"alice\u200b").And.Contain(@"prod\U000e0041\U000e007f").And.Contain(@"\ufeffi-1\u00ad\u2060");
            result.Out.Should().NotContainAny("\u200b", "\ufeff", "\u00ad", "\u2060", "\U000E0041");
        }
    }

    [Fact]
    public async Task List_with_a_user_filter_quotes_it_escaped_in_the_summary()
    {
        await _cli.CreateAsync(user: ForgingUser);

        var result = await _cli.RunAsync("list", "--table", Table, "--user", ForgingUser);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain(@"1 session, user 'mallory\n0123456789abcdef  active   admin', newest first.");
        result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(3);
    }

    [Fact]
    public async Task List_and_show_json_escape_control_characters_and_parse_back_to_the_stored_values()
    {
        var session = await _cli.CreateAsync(user: ForgingUser, profile: EscapeProfile, instance: ReversedInstance);
        await _cli.Store.RevokeAsync(session.Id, HidingRevoker, "line\r\nbreak");

        var list = await _cli.RunAsync("list", "--table", Table, "--status", "revoked", "--json");
        var show = await _cli.RunAsync("show", session.Id, "--table", Table, "--json");

        foreach (var result in new[] { list, show })
        {
            result.ExitCode.Should().Be(0, result.ToString());
            result.Out.Should().NotContainAny("\u001b", "\u0007", "\u202e", "\r").And.Contain(@"\u001B[8mops");
            result.Out.TrimEnd().Split('\n').Should().OnlyContain(line => !line.Contains("0123456789abcdef  active", StringComparison.Ordinal) || line.Contains(@"\n0123", StringComparison.Ordinal));
        }

        var item = list.Json().GetProperty("items")[0];
        item.GetProperty("user").GetString().Should().Be(ForgingUser);
        item.GetProperty("profile").GetString().Should().Be(EscapeProfile);
        item.GetProperty("serverInstanceId").GetString().Should().Be(ReversedInstance);
        show.Json().GetProperty("revokedBy").GetString().Should().Be(HidingRevoker);
        show.Json().GetProperty("revokedReason").GetString().Should().Be("line\r\nbreak");
    }

    [Fact]
    public async Task Show_escapes_every_field_it_prints()
    {
        var session = await _cli.CreateAsync(user: ForgingUser, profile: EscapeProfile, instance: ReversedInstance);
        await _cli.Store.RevokeAsync(session.Id, HidingRevoker, "see\u2028this");

        var result = await _cli.RunAsync(terminal: true, "show", session.Id, "--table", Table);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain(@"mallory\n0123456789abcdef").And.Contain(@"prod\e[2J\e]0;owned\x07")
            .And.Contain(@"i-1\u202egnp.exe").And.Contain(@"\e[8mops").And.Contain(@"see\u2028this");
        StripStyles(result.Out).Should().NotContainAny("\u001b", "\u0007", "\u2028", "\u202e");
    }

    [Fact]
    public async Task A_revoker_that_would_hide_the_error_line_is_shown_escaped_in_it()
    {
        var session = await _cli.CreateAsync();
        (await _cli.RunAsync("revoke", session.Id, "--by", HidingRevoker, "--table", Table)).ExitCode.Should().Be(0);

        var again = await _cli.RunAsync(terminal: true, "revoke", session.Id, "--by", "second", "--table", Table);

        again.ExitCode.Should().Be(1, again.ToString());
        again.Error.Should().Be($"error: Session '{session.Id}' was revoked by '\\e[8mops'.\n");
    }

    [Fact]
    public async Task Revoke_prints_the_sessions_user_and_instance_escaped()
    {
        var session = await _cli.CreateAsync(user: ForgingUser, instance: ReversedInstance);

        var result = await _cli.RunAsync("revoke", session.Id, "--by", "ops\nroot", "--reason", "\u001b[1mreason", "--table", Table);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().StartWith($"Revoked session {session.Id} of user mallory\\n0123456789abcdef  active   admin on i-1\\u202egnp.exe.\n");
        result.Out.Should().Contain(@"ops\nroot").And.Contain(@"\e[1mreason").And.NotContain("\u001b").And.NotContain("\u202e");
    }

    [Fact]
    public async Task Revoke_user_quotes_the_user_escaped_in_its_result_and_its_progress()
    {
        await _cli.CreateAsync(user: ForgingUser);

        var result = await _cli.RunAsync(terminal: true, "revoke-user", ForgingUser, "--by", "ops", "--table", Table);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Be("Revoked 1 active session of user 'mallory\\n0123456789abcdef  active   admin'. Skipped 0 (changed meanwhile); failed 0.\n");
        result.Error.Should().NotContain("mallory\n");
    }

    [Fact]
    public async Task Expire_stale_and_its_json_stay_free_of_control_characters()
    {
        await _cli.CreateAsync(user: ForgingUser, duration: TimeSpan.FromMinutes(1));
        _cli.Time.Advance(TimeSpan.FromMinutes(2));

        var result = await _cli.RunAsync("expire-stale", "--table", Table);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Be("Expired 1 session past its expiry time. Skipped 0 (changed meanwhile); failed 0.\n");
    }

    [Theory]
    [InlineData("show", "0123\u001b[8m")]
    [InlineData("list", "--since", "1h\n2h")]
    [InlineData("list", "--status", "active\r\nerror: forged")]
    [InlineData("list", "--limit", "\u001b[2J")]
    [InlineData("list", "--bogus\u001b[8m")]
    public async Task A_bad_command_line_quoting_hostile_text_is_one_visible_error_line(params string[] args)
    {
        var result = await _cli.RunAsync([.. args, "--table", Table]);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().StartWith("error: ").And.EndWith("\n");
        result.Error.TrimEnd('\n').Should().NotContainAny("\n", "\r", "\u001b");
        result.Error.Should().ContainAny(@"\e[", @"\n", @"\r\n");
    }

    [Fact]
    public async Task A_store_failure_whose_messages_hold_line_breaks_is_one_escaped_line()
    {
        _cli.FailGetsWith(new SessionStoreException("Denied\r\nerror: forged line", "0123456789abcdef", "Get", "prod-sessions", new InvalidOperationException("inner\n\u001b[8m")));

        var result = await _cli.RunAsync("show", "0123456789abcdef", "--table", "prod-sessions");

        result.ExitCode.Should().Be(3, result.ToString());
        result.Error.Should().Be("error: Get failed on table 'prod-sessions': Denied\\r\\nerror: forged line (inner\\n\\e[8m)\n");
    }

    private static string StripStyles(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "\u001b\\[[0-9;]*m", string.Empty);
}
