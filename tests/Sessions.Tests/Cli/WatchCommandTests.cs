using System.Text.RegularExpressions;
using Moq;
using Sessions.Cli.Watch;

namespace Sessions.Tests.Cli;

/// <summary>
/// <c>sessions watch</c> on a fake clock and a captured console: each test advances the clock by one interval and waits
/// for the watch to flush its next refresh (no sleeps), then cancels it as Ctrl-C does. Outages and unreadable items:
/// <see cref="WatchOutageTests"/>.
/// </summary>
public sealed class WatchCommandTests
{
    private const string Table = CliHarness.Table;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task On_a_terminal_it_redraws_rates_a_revocation_and_an_expiry_and_restores_the_screen_on_ctrl_c()
    {
        var a = await _cli.CreateAsync(user: "alice");
        var b = await _cli.CreateAsync(user: "bob");
        var c = await _cli.CreateAsync(user: "carol", duration: TimeSpan.FromSeconds(12));
        await using var watch = WatchRun.Start(_cli, terminal: true);

        var first = await watch.NextFrameAsync();
        first.Should().StartWith(TerminalWatchView.EnterAlternateScreen).And.Contain("3 active sessions").And.Contain(a.Id).And.Contain(b.Id).And.Contain(c.Id);

        await TouchAsync(a, 10);
        await TouchAsync(b, 5);
        var second = await watch.AdvanceAsync(Interval);
        WatchRun.Row(second, a.Id).Should().MatchRegex(@" 10  +2\.0/s$");
        WatchRun.Row(second, b.Id).Should().MatchRegex(@" 5  +1\.0/s$");
        WatchRun.Row(second, c.Id).Should().MatchRegex(@" 0  +0\.0/s$");
        second.Should().Contain("3 active sessions, 3.0/s");

        await _cli.Store.RevokeAsync(b.Id, "ops@example.com", "leaked");
        var third = await watch.AdvanceAsync(Interval);
        third.Should().Contain("2 active sessions").And.MatchRegex($@"revoked  {b.Id}  by 'ops@example\.com': leaked, after 5 requests");
        WatchRun.Row(third, b.Id).Should().BeNull("a revoked session leaves the table");

        var fourth = await watch.AdvanceAsync(Interval);
        fourth.Should().Contain("1 active session,").And.Contain($"expired  {c.Id}  at 2026-01-20 02:00:12Z");
        WatchRun.Row(fourth, c.Id).Should().BeNull("an expired session leaves the table even before a sweeper marks it");

        var exitCode = await watch.StopAsync();

        exitCode.Should().Be(0, "Ctrl-C is how a watch ends");
        watch.Output.Should().EndWith(TerminalWatchView.LeaveAlternateScreen, "the cursor is shown and the normal screen restored");
        watch.Error.Should().BeEmpty();
    }

    [Fact]
    public async Task On_a_pipe_it_prints_plain_lines_for_each_change_and_each_session_that_served()
    {
        var a = await _cli.CreateAsync(user: "alice");
        var b = await _cli.CreateAsync(user: "bob");
        await using var watch = WatchRun.Start(_cli, terminal: false);

        var first = await watch.NextFrameAsync();
        first.Should().Be(
            $"2026-01-20 02:00:00Z  watching table '{Table}' every 5 s: 2 active sessions\n" +
            $"2026-01-20 02:00:00Z  active   {b.Id}  user 'bob', profile 'prod-deploy', on 'cred-server-1', 0 requests\n" +
            $"2026-01-20 02:00:00Z  active   {a.Id}  user 'alice', profile 'prod-deploy', on 'cred-server-1', 0 requests\n");

        await TouchAsync(a, 25);
        var d = await _cli.Store.CreateAsync(ServerSession.Start("dave", "billing", "cred-server-2", string.Empty, TimeSpan.FromHours(1), _cli.Time.GetUtcNow()));
        var second = await watch.AdvanceAsync(Interval);
        second.Should().Be(
            $"2026-01-20 02:00:05Z  started  {d.Id}  user 'dave', profile 'billing', on 'cred-server-2'\n" +
            $"2026-01-20 02:00:05Z  requests {a.Id}  +25 (5.0/s), 25 in all\n");

        await _cli.Store.ExpireAsync(a.Id);
        await _cli.Store.DeleteAsync(b.Id);
        var third = await watch.AdvanceAsync(Interval);
        third.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().BeEquivalentTo(
            $"2026-01-20 02:00:10Z  expired  {a.Id}  at 2026-01-20 03:00:00Z, after 25 requests",
            $"2026-01-20 02:00:10Z  deleted  {b.Id}  user 'bob' on 'cred-server-1'");

        (await watch.AdvanceAsync(Interval)).Should().BeEmpty("nothing changed and nothing was served");
        (await watch.StopAsync()).Should().Be(0);
        watch.Output.Should().NotContain("\u001b", "a pipe gets no escape codes");
    }

    [Fact]
    public async Task A_new_session_between_refreshes_is_shown_as_started_and_gets_a_rate_from_the_next_refresh()
    {
        await using var watch = WatchRun.Start(_cli, terminal: true);
        (await watch.NextFrameAsync()).Should().Contain("(no active sessions)").And.Contain("(none yet)");

        var e = await _cli.CreateAsync(user: "erin");
        var second = await watch.AdvanceAsync(Interval);
        second.Should().Contain($"started  {e.Id}  user 'erin'");
        WatchRun.Row(second, e.Id).Should().MatchRegex(@" 0  +-$", "no rate before the second sight");

        await TouchAsync(e, 3);
        WatchRun.Row(await watch.AdvanceAsync(Interval), e.Id).Should().MatchRegex(@" 3  +0\.6/s$");
        (await watch.StopAsync()).Should().Be(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hostile_text_is_escaped_in_both_views(bool terminal)
    {
        var session = await _cli.CreateAsync(user: "mallory\n2026-01-20 02:00:05Z  revoked  0000000000000000", profile: "p\u001b[2J", instance: "i\u202e");
        await using var watch = WatchRun.Start(_cli, terminal);
        await watch.NextFrameAsync();
        await _cli.Store.RevokeAsync(session.Id, "\u001b[8mops", "x\r\ny");
        await watch.AdvanceAsync(Interval);
        await watch.StopAsync();

        var text = WatchRun.StripOwnSequences(watch.Output);
        text.Should().NotContainAny("\u001b", "\r", "\u202e");
        text.Should().Contain(@"mallory\n2026-01-20 02:00:05Z  revoked  0000000000000000").And.Contain(@"p\e[2J").And.Contain(@"i\u202e");
        text.Should().Contain(@"by '\e[8mops': x\r\ny");
        text.Split('\n').Should().NotContain(line => line.StartsWith("2026-01-20 02:00:05Z  revoked  0000000000000000", StringComparison.Ordinal), "no forged line");
    }

    [Fact]
    public async Task A_missing_table_at_start_exits_3_with_the_terminal_restored()
    {
        var store = new Mock<ISessionStore>();
        store.Setup(s => s.ListByStatusAsync(SessionStatus.Active, It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SessionStoreException(
                $"DynamoDB ListByStatus failed: table '{Table}' (or its index) does not exist or is not active.", null, "ListByStatus", Table, new ResourceNotFoundException("Requested resource not found")));
        _cli.StoreOverride = store.Object;
        await using var watch = WatchRun.Start(_cli, terminal: true);

        var exitCode = await watch.Completion;

        exitCode.Should().Be(3);
        watch.Output.Should().Be(TerminalWatchView.EnterAlternateScreen + TerminalWatchView.LeaveAlternateScreen);
        watch.Error.Should().Be($"error: DynamoDB ListByStatus failed: table '{Table}' (or its index) does not exist or is not active. (Requested resource not found)\n");
    }

    [Fact]
    public async Task A_defect_of_the_tool_is_not_waited_out_it_exits_70_with_the_terminal_restored()
    {
        var store = new Mock<ISessionStore>();
        store.Setup(s => s.ListByStatusAsync(SessionStatus.Active, It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("a bug"));
        _cli.StoreOverride = store.Object;
        await using var watch = WatchRun.Start(_cli, terminal: true);

        (await watch.Completion).Should().Be(70);
        watch.Output.Should().Be(TerminalWatchView.EnterAlternateScreen + TerminalWatchView.LeaveAlternateScreen);
        watch.Error.Should().Be("error: unexpected InvalidOperationException: a bug\n");
    }

    [Fact]
    public async Task On_a_short_terminal_the_table_is_cut_to_fit_and_says_how_many_it_leaves_out()
    {
        for (var i = 0; i < 12; i++)
        {
            await _cli.CreateAsync(user: $"user-{i}");
        }

        await using var watch = WatchRun.Start(_cli, terminal: true, windowHeight: 18);

        var frame = (await watch.NextFrameAsync())[TerminalWatchView.EnterAlternateScreen.Length..];
        var lines = frame.Split('\n');
        lines.Length.Should().BeLessThanOrEqualTo(18, "the frame fits the screen, the cursor's line included");
        lines.Count(line => line.StartsWith("user-", StringComparison.Ordinal) || Regex.IsMatch(line, "^[0-9a-f]{16} ")).Should().Be(9);
        frame.Should().Contain("12 active sessions").And.Contain("... and 3 more active sessions");
        (await watch.StopAsync()).Should().Be(0);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3601")]
    [InlineData("2s")]
    public async Task A_bad_interval_exits_2(string interval)
    {
        var result = await _cli.RunAsync("watch", "--table", Table, "--interval", interval);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().StartWith("error: --interval must be a whole number of seconds from 1 to 3600");
        _cli.Connections.Should().BeEmpty();
    }

    private async Task TouchAsync(ServerSession session, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await _cli.Store.TouchAsync(session.Id);
        }
    }
}
