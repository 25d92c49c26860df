using System.Text.RegularExpressions;
using Moq;
using Sessions.Cli.Output;
using Sessions.Cli.Watch;

namespace Sessions.Tests.Cli;

/// <summary>
/// <c>sessions watch</c> on a fake clock and a captured console: each test advances the clock by one interval and waits
/// for the watch to flush its next refresh (no sleeps), then cancels it as Ctrl-C does.
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
        await using var watch = Watch.Start(_cli, terminal: true);

        var first = await watch.NextFrameAsync();
        first.Should().StartWith(TerminalWatchView.EnterAlternateScreen).And.Contain("3 active sessions").And.Contain(a.Id).And.Contain(b.Id).And.Contain(c.Id);

        await TouchAsync(a, 10);
        await TouchAsync(b, 5);
        var second = await watch.AdvanceAsync(Interval);
        Row(second, a.Id).Should().MatchRegex(@" 10  +2\.0/s$");
        Row(second, b.Id).Should().MatchRegex(@" 5  +1\.0/s$");
        Row(second, c.Id).Should().MatchRegex(@" 0  +0\.0/s$");
        second.Should().Contain("3 active sessions, 3.0/s");

        await _cli.Store.RevokeAsync(b.Id, "ops@example.com", "leaked");
        var third = await watch.AdvanceAsync(Interval);
        third.Should().Contain("2 active sessions").And.MatchRegex($@"revoked  {b.Id}  by 'ops@example\.com': leaked, after 5 requests");
        Row(third, b.Id).Should().BeNull("a revoked session leaves the table");

        var fourth = await watch.AdvanceAsync(Interval);
        fourth.Should().Contain("1 active session,").And.Contain($"expired  {c.Id}  at 2026-01-20 02:00:12Z");
        Row(fourth, c.Id).Should().BeNull("an expired session leaves the table even before a sweeper marks it");

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
        await using var watch = Watch.Start(_cli, terminal: false);

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
        await using var watch = Watch.Start(_cli, terminal: true);
        (await watch.NextFrameAsync()).Should().Contain("(no active sessions)").And.Contain("(none yet)");

        var e = await _cli.CreateAsync(user: "erin");
        var second = await watch.AdvanceAsync(Interval);
        second.Should().Contain($"started  {e.Id}  user 'erin'");
        Row(second, e.Id).Should().MatchRegex(@" 0  +-$", "no rate before the second sight");

        await TouchAsync(e, 3);
        Row(await watch.AdvanceAsync(Interval), e.Id).Should().MatchRegex(@" 3  +0\.6/s$");
        (await watch.StopAsync()).Should().Be(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hostile_text_is_escaped_in_both_views(bool terminal)
    {
        var session = await _cli.CreateAsync(user: "mallory\n2026-01-20 02:00:05Z  revoked  0000000000000000", profile: "p\u001b[2J", instance: "i\u202e");
        await using var watch = Watch.Start(_cli, terminal);
        await watch.NextFrameAsync();
        await _cli.Store.RevokeAsync(session.Id, "\u001b[8mops", "x\r\ny");
        await watch.AdvanceAsync(Interval);
        await watch.StopAsync();

        var text = StripOwnSequences(watch.Output);
        text.Should().NotContainAny("\u001b", "\r", "\u202e");
        text.Should().Contain(@"mallory\n2026-01-20 02:00:05Z  revoked  0000000000000000").And.Contain(@"p\e[2J").And.Contain(@"i\u202e");
        text.Should().Contain(@"by '\e[8mops': x\r\ny");
        text.Split('\n').Should().NotContain(line => line.StartsWith("2026-01-20 02:00:05Z  revoked  0000000000000000", StringComparison.Ordinal), "no forged line");
    }

    [Fact]
    public async Task A_store_failure_leaves_the_terminal_restored_and_exits_3()
    {
        var store = new Mock<ISessionStore>();
        store.Setup(s => s.ListByStatusAsync(SessionStatus.Active, It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SessionStoreException("Throttled.", null, "ListByStatus", Table, null));
        _cli.StoreOverride = store.Object;
        await using var watch = Watch.Start(_cli, terminal: true);

        var exitCode = await watch.Completion;

        exitCode.Should().Be(3);
        watch.Output.Should().Be(TerminalWatchView.EnterAlternateScreen + TerminalWatchView.LeaveAlternateScreen);
        watch.Error.Should().Be($"error: ListByStatus failed on table '{Table}': Throttled.\n");
    }

    [Fact]
    public async Task On_a_short_terminal_the_table_is_cut_to_fit_and_says_how_many_it_leaves_out()
    {
        for (var i = 0; i < 12; i++)
        {
            await _cli.CreateAsync(user: $"user-{i}");
        }

        await using var watch = Watch.Start(_cli, terminal: true, windowHeight: 18);

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

    /// <summary>The table row of a session in a terminal frame, without the line-clearing code, or null.</summary>
    private static string? Row(string frame, string id) =>
        frame.Split('\n').FirstOrDefault(line => line.StartsWith(id, StringComparison.Ordinal))?.Replace("\u001b[K", string.Empty, StringComparison.Ordinal);

    /// <summary>Removes the escape codes the terminal view writes itself: screen switch, cursor, clearing, styles.</summary>
    private static string StripOwnSequences(string text) =>
        Regex.Replace(text, @"\u001b\[(\?1049[hl]|\?25[hl]|H|K|J|[0-9;]*m)", string.Empty);

    /// <summary>A watch running in the background on a console whose standard output signals each flush.</summary>
    private sealed class Watch : IAsyncDisposable
    {
        private readonly FlushSignalingWriter _out = new();
        private readonly StringWriter _error = new();
        private readonly CancellationTokenSource _ctrlC = new();
        private readonly CliHarness _cli;
        private int _read;

        private Watch(CliHarness cli, bool terminal, int? windowHeight)
        {
            _cli = cli;
            var console = new CliConsole(_out, _error, OutIsTerminal: terminal, ErrorIsTerminal: false)
            {
                WindowHeight = windowHeight is { } height ? () => height : null,
            };
            Completion = Task.Run(() => cli.RunOnAsync(console, _ctrlC.Token, "watch", "--table", Table, "--interval", "5"));
        }

        public Task<int> Completion { get; }

        public string Output => _out.ToString();

        public string Error => _error.ToString();

        public static Watch Start(CliHarness cli, bool terminal, int? windowHeight = null) => new(cli, terminal, windowHeight);

        /// <summary>Waits for the next refresh to be flushed and returns what it wrote.</summary>
        public async Task<string> NextFrameAsync()
        {
            var flushed = await Task.WhenAny(_out.Flushed.WaitAsync(), Completion);
            if (flushed == Completion)
            {
                throw new InvalidOperationException($"The watch ended (exit {await Completion}): {Error}");
            }

            var all = _out.ToString();
            var frame = all[_read..];
            _read = all.Length;
            return frame;
        }

        /// <summary>Advances the clock by one interval, which lets exactly one refresh through, and returns it.</summary>
        public Task<string> AdvanceAsync(TimeSpan interval)
        {
            _cli.Time.Advance(interval);
            return NextFrameAsync();
        }

        /// <summary>Cancels the watch as Ctrl-C does and returns its exit code.</summary>
        public async Task<int> StopAsync()
        {
            await _ctrlC.CancelAsync();
            return await Completion.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public async ValueTask DisposeAsync()
        {
            await _ctrlC.CancelAsync();
            await Completion.WaitAsync(TimeSpan.FromSeconds(30));
            _ctrlC.Dispose();
            _out.Dispose();
            _error.Dispose();
        }
    }

    private sealed class FlushSignalingWriter : StringWriter
    {
        public SemaphoreSlim Flushed { get; } = new(0);

        public override void Flush()
        {
            base.Flush();
            Flushed.Release();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Flushed.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
