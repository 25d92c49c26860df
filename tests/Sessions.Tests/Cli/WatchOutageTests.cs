using System.Collections.Concurrent;
using Moq;
using Sessions.Cli.Watch;

namespace Sessions.Tests.Cli;

/// <summary>
/// <c>sessions watch</c> through store outages and unreadable items, on a fake clock and a captured console (no
/// sleeps): a refresh the store does not answer is shown as <c>reconnecting</c> with its cause and the next attempt,
/// retried after a capped backoff (jitter fixed at none: each wait is half its ceiling, 0.5 s, 1 s, 2 s, …), and the
/// first refresh that succeeds goes back to normal output on the interval. Unreadable items are a counted line.
/// </summary>
public sealed class WatchOutageTests
{
    private const string Table = CliHarness.Table;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly CliHarness _cli = new();
    private readonly ConcurrentQueue<Exception> _failures = new();
    private readonly ConcurrentQueue<SessionCorruptException[]> _unreadable = new();

    public WatchOutageTests()
    {
        // The in-memory store, except that each list fails with the next queued failure, or reports the next queued unreadable items.
        var store = new Mock<ISessionStore>(MockBehavior.Strict);
        store.Setup(s => s.ListByStatusAsync(SessionStatus.Active, It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .Returns(async (SessionStatus status, PageRequest? page, CancellationToken ct) =>
            {
                if (_failures.TryDequeue(out var failure))
                {
                    throw failure;
                }

                var listed = await _cli.Store.ListByStatusAsync(status, page, ct);
                return _unreadable.TryDequeue(out var unreadable) ? listed with { Unreadable = unreadable } : listed;
            });
        store.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string id, CancellationToken ct) => _cli.Store.GetAsync(id, ct));
        _cli.StoreOverride = store.Object;
    }

    [Fact]
    public async Task On_a_pipe_each_failed_refresh_is_a_reconnecting_line_with_cause_and_next_attempt_and_the_store_answering_again_resumes_the_interval()
    {
        var a = await _cli.CreateAsync(user: "alice");
        await using var watch = WatchRun.Start(_cli, terminal: false);
        await watch.NextFrameAsync();

        _failures.Enqueue(new HttpRequestException("Connection refused (localhost:8000)"));
        _failures.Enqueue(Throttled());
        _failures.Enqueue(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing."));
        await TouchAsync(a, 17);

        (await watch.AdvanceAsync(Interval)).Should().Be(
            $"2026-01-20 02:00:05Z  reconnecting: watch failed on table '{Table}': Connection refused (localhost:8000); next attempt in 0.5 s, at 2026-01-20 02:00:05Z (1 failed attempt)\n");
        (await watch.AdvanceAsync(TimeSpan.FromSeconds(0.5))).Should().Be(
            $@"2026-01-20 02:00:05Z  reconnecting: DynamoDB ListByStatus on table '{Table}' failed: Rate exceeded.\n\e[2Jforged; next attempt in 1 s, at 2026-01-20 02:00:06Z (2 failed attempts)" + "\n");
        (await watch.AdvanceAsync(TimeSpan.FromSeconds(1))).Should().Be(
            "2026-01-20 02:00:06Z  reconnecting: the store did not answer in time (The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.); next attempt in 2 s, at 2026-01-20 02:00:08Z (3 failed attempts)\n");

        (await watch.AdvanceAsync(TimeSpan.FromSeconds(2))).Should().Be(
            "2026-01-20 02:00:08Z  reconnected\n" +
            $"2026-01-20 02:00:08Z  requests {a.Id}  +17 (2.0/s), 17 in all\n", "the rate spans the outage: 17 requests in 8.5 s");

        await TouchAsync(a, 5);
        (await watch.AdvanceAsync(Interval)).Should().Be($"2026-01-20 02:00:13Z  requests {a.Id}  +5 (1.0/s), 22 in all\n", "the interval runs from the refresh that succeeded");

        _failures.Enqueue(Throttled());
        (await watch.AdvanceAsync(Interval)).Should().Contain("next attempt in 0.5 s").And.Contain("(1 failed attempt)", "a success resets the backoff");
        (await watch.AdvanceAsync(TimeSpan.FromSeconds(0.5))).Should().Be("2026-01-20 02:00:19Z  reconnected\n");
        (await watch.StopAsync()).Should().Be(0);
        watch.Error.Should().BeEmpty();
        watch.Output.Should().NotContain("\u001b");
    }

    [Fact]
    public async Task The_waits_double_up_to_30_seconds_and_a_watch_can_be_stopped_while_it_waits()
    {
        await using var watch = WatchRun.Start(_cli, terminal: false);
        await watch.NextFrameAsync();
        for (var i = 0; i < 8; i++)
        {
            _failures.Enqueue(Throttled());
        }

        var waits = new List<string>();
        var frame = await watch.AdvanceAsync(Interval);
        for (var i = 0; i < 8; i++)
        {
            var wait = System.Text.RegularExpressions.Regex.Match(frame, @"next attempt in ([0-9.]+) s").Groups[1].Value;
            waits.Add(wait);
            frame = await watch.AdvanceAsync(TimeSpan.FromSeconds(double.Parse(wait, System.Globalization.CultureInfo.InvariantCulture)));
        }

        waits.Should().Equal("0.5", "1", "2", "4", "8", "15", "15", "15");
        frame.Should().StartWith("2026-01-20 02:01:05Z  reconnected");

        _failures.Enqueue(Throttled());
        (await watch.AdvanceAsync(Interval)).Should().Contain("reconnecting");
        (await watch.StopAsync()).Should().Be(0, "Ctrl-C ends the wait as it ends the watch");
    }

    [Fact]
    public async Task On_a_terminal_the_last_refresh_stays_with_a_reconnecting_line_that_goes_when_the_store_answers()
    {
        var a = await _cli.CreateAsync(user: "alice");
        await using var watch = WatchRun.Start(_cli, terminal: true);
        await watch.NextFrameAsync();

        _failures.Enqueue(Throttled());
        var outage = WatchRun.Lines(await watch.AdvanceAsync(Interval));
        outage[1].Should().Be("2026-01-20 02:00:00Z  1 active session, -", "the last refresh, with its time");
        outage[2].Should().Be($@"2026-01-20 02:00:05Z  reconnecting: DynamoDB ListByStatus on table '{Table}' failed: Rate exceeded.\n\e[2Jforged; next attempt in 0.5 s, at 2026-01-20 02:00:05Z (1 failed attempt)");
        outage.Should().Contain(line => line.StartsWith(a.Id, StringComparison.Ordinal), "the sessions of the last refresh stay on screen");

        await TouchAsync(a, 11);
        var back = WatchRun.Lines(await watch.AdvanceAsync(TimeSpan.FromSeconds(0.5)));
        back[1].Should().Be("2026-01-20 02:00:05Z  1 active session, 2.0/s");
        back.Should().NotContain(line => line.Contains("reconnecting", StringComparison.Ordinal));
        (await watch.StopAsync()).Should().Be(0);
        WatchRun.StripOwnSequences(watch.Output).Should().NotContain("\u001b", "the cause is escaped");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_store_unreachable_at_start_is_waited_out_too(bool terminal)
    {
        var a = await _cli.CreateAsync(user: "alice");
        _failures.Enqueue(new HttpRequestException("Connection refused (localhost:8000)"));
        await using var watch = WatchRun.Start(_cli, terminal);

        var outage = await watch.NextFrameAsync();
        outage.Should().Contain("reconnecting: watch failed on table").And.Contain("Connection refused (localhost:8000)");
        if (terminal)
        {
            WatchRun.Lines(outage)[1].Should().Be("(no refresh yet)");
        }

        var first = await watch.AdvanceAsync(TimeSpan.FromSeconds(0.5));
        first.Should().Contain(a.Id).And.NotContain("reconnecting:");
        if (!terminal)
        {
            first.Should().StartWith("2026-01-20 02:00:00Z  reconnected\n2026-01-20 02:00:00Z  watching table");
        }

        (await watch.StopAsync()).Should().Be(0);
    }

    [Fact]
    public async Task A_missing_table_after_the_store_answered_is_waited_out_like_any_outage()
    {
        await using var watch = WatchRun.Start(_cli, terminal: false);
        await watch.NextFrameAsync();

        _failures.Enqueue(new SessionStoreException($"DynamoDB ListByStatus failed: table '{Table}' does not exist.", null, "ListByStatus", Table, new ResourceNotFoundException("gone")));
        (await watch.AdvanceAsync(Interval)).Should().Contain($"reconnecting: DynamoDB ListByStatus failed: table '{Table}' does not exist. (gone); next attempt in 0.5 s");
        (await watch.AdvanceAsync(TimeSpan.FromSeconds(0.5))).Should().Be("2026-01-20 02:00:05Z  reconnected\n");
        (await watch.StopAsync()).Should().Be(0);
    }

    [Fact]
    public async Task On_a_pipe_unreadable_items_are_a_counted_line_when_they_appear_or_change_and_the_watch_goes_on()
    {
        var a = await _cli.CreateAsync(user: "alice");
        var one = Corrupt(SessionId.New());
        var hostile = Corrupt("bad\n\u001b[2J\u200b");
        _unreadable.Enqueue([one]);
        await using var watch = WatchRun.Start(_cli, terminal: false);

        var first = await watch.NextFrameAsync();
        first.Should().EndWith($"2026-01-20 02:00:00Z  1 unreadable item: {one.SessionId}\n").And.Contain(a.Id);

        _unreadable.Enqueue([one]);
        (await watch.AdvanceAsync(Interval)).Should().BeEmpty("the same items are not repeated");

        _unreadable.Enqueue([one, hostile]);
        (await watch.AdvanceAsync(Interval)).Should().Be($@"2026-01-20 02:00:10Z  2 unreadable items: {one.SessionId}, bad\n\e[2J\u200b" + "\n");

        (await watch.AdvanceAsync(Interval)).Should().Be("2026-01-20 02:00:15Z  no unreadable items\n");
        (await watch.StopAsync()).Should().Be(0);
    }

    [Fact]
    public async Task On_a_terminal_unreadable_items_are_a_counted_line_under_the_header()
    {
        await _cli.CreateAsync(user: "alice");
        var ids = Enumerable.Range(0, 7).Select(_ => SessionId.New()).ToList();
        _unreadable.Enqueue([.. ids.Select(Corrupt)]);
        await using var watch = WatchRun.Start(_cli, terminal: true);

        var lines = WatchRun.Lines(await watch.NextFrameAsync());

        lines[2].Should().Be($"7 unreadable items: {string.Join(", ", ids.Take(5))} and 2 more");
        lines[1].Should().Be("2026-01-20 02:00:00Z  1 active session, -");
        WatchRun.Lines(await watch.AdvanceAsync(Interval)).Should().NotContain(line => line.Contains("unreadable", StringComparison.Ordinal));
        (await watch.StopAsync()).Should().Be(0);
    }

    [Fact]
    public async Task A_watched_session_that_becomes_unreadable_is_counted_not_fatal()
    {
        var a = await _cli.CreateAsync(user: "alice");
        var b = await _cli.CreateAsync(user: "bob");
        var store = new Mock<ISessionStore>(MockBehavior.Strict);
        var damaged = false;
        store.Setup(s => s.ListByStatusAsync(SessionStatus.Active, It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .Returns(async (SessionStatus status, PageRequest? page, CancellationToken ct) =>
            {
                var listed = await _cli.Store.ListByStatusAsync(status, page, ct);
                return damaged ? listed with { Items = [.. listed.Items.Where(s => s.Id != b.Id)] } : listed;
            });
        store.Setup(s => s.GetAsync(b.Id, It.IsAny<CancellationToken>())).ThrowsAsync(Corrupt(b.Id));
        _cli.StoreOverride = store.Object;
        await using var watch = WatchRun.Start(_cli, terminal: false);
        await watch.NextFrameAsync();

        damaged = true;
        (await watch.AdvanceAsync(Interval)).Should().Be($"2026-01-20 02:00:05Z  1 unreadable item: {b.Id}\n", "no event: the watch cannot tell what happened to it");
        await TouchAsync(a, 5);
        (await watch.AdvanceAsync(Interval)).Should().Be($"2026-01-20 02:00:10Z  requests {a.Id}  +5 (1.0/s), 5 in all\n2026-01-20 02:00:10Z  no unreadable items\n");
        (await watch.StopAsync()).Should().Be(0);
    }

    private static SessionStoreException Throttled() => new(
        $"DynamoDB ListByStatus on table '{Table}' failed: Rate exceeded.\n\u001b[2Jforged", null, "ListByStatus", Table, new ProvisionedThroughputExceededException("Rate exceeded"));

    private static SessionCorruptException Corrupt(string id) =>
        new(id, "started_at", $"Stored session '{id}' is corrupt: attribute 'started_at' is not an RFC 3339 time. (table '{Table}')", "BatchGet", Table);

    private async Task TouchAsync(ServerSession session, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await _cli.Store.TouchAsync(session.Id);
        }
    }
}
