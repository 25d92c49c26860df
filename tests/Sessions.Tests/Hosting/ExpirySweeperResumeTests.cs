using Microsoft.Extensions.Options;
using Sessions.Hosting;
using Sessions.Hosting.Leases;

namespace Sessions.Tests.Hosting;

/// <summary>A run that fails part-way resumes, at the next attempt, where it failed: the pages it finished are not read again.</summary>
public sealed class ExpirySweeperResumeTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2036, 9, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_run_whose_second_page_fails_backs_off_and_the_next_attempt_reads_that_page_and_no_other()
    {
        var inner = new InMemorySessionStore(_time);
        for (var i = 0; i < 150; i++)
        {
            await inner.CreateAsync(ServerSession.Start("resume", "resume", "resume-" + i, "s", TimeSpan.FromSeconds(1), _time.GetUtcNow()));
        }

        _time.Advance(TimeSpan.FromSeconds(2));
        var store = new FailingSecondListStore(inner);
        var log = new ListLogger<SessionExpirySweeper>();
        var sweeper = new SessionExpirySweeper(store, InMemorySweepLease.For(store), Options.Create(new SessionExpirySweeperOptions
        {
            InstanceName = "resume",
            MaxSessionsPerRun = 1_000,
        }), _time, log);

        var wait = await sweeper.RunOnceAsync(default);
        wait.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.5)).And.BeLessThan(TimeSpan.FromSeconds(1), "the first retry comes after 1 s, jittered");
        log.Entries.Should().ContainSingle(e => e.Id == 5).Which.Message.Should().Contain("(1 in a row)");
        (await inner.ListByStatusAsync(SessionStatus.Active, new PageRequest(1_000))).Items.Should().HaveCount(50, "the first page was expired before the second failed");

        _time.Advance(wait);
        (await sweeper.RunOnceAsync(default)).Should().Be(TimeSpan.FromMinutes(1), "after a success the sweeper waits its interval again");

        store.Pages.Should().Equal([null, "first", "first"], "the retry reads the page that failed, with the token of the page before it");
        log.Entries.Should().ContainSingle(e => e.Id == 3).Which.Message.Should().Contain("read 50 Active sessions, expired 50, failed 0");
        (await inner.ListByStatusAsync(SessionStatus.Active)).Items.Should().BeEmpty();
    }

    [Fact]
    public void The_backoff_doubles_from_one_second_up_to_the_interval_and_is_jittered_down_to_half()
    {
        var interval = TimeSpan.FromMinutes(1);

        SessionExpirySweeper.Backoff(1, interval, jitter: 1).Should().Be(TimeSpan.FromSeconds(1));
        SessionExpirySweeper.Backoff(2, interval, jitter: 1).Should().Be(TimeSpan.FromSeconds(2));
        SessionExpirySweeper.Backoff(6, interval, jitter: 1).Should().Be(TimeSpan.FromSeconds(32));
        SessionExpirySweeper.Backoff(7, interval, jitter: 1).Should().Be(interval);
        SessionExpirySweeper.Backoff(1_000, interval, jitter: 1).Should().Be(interval);
        SessionExpirySweeper.Backoff(1, interval, jitter: 0).Should().Be(TimeSpan.FromSeconds(0.5));
    }

    /// <summary>Fails the second ListByStatus call with a provider fault; records which page each call asked for ("first" for the token after page one).</summary>
    private sealed class FailingSecondListStore(ISessionStore inner) : DelegatingSessionStore(inner)
    {
        private string? _firstToken;
        private int _calls;

        public List<string?> Pages { get; } = [];

        public override async Task<SessionPage> ListByStatusAsync(SessionStatus status, PageRequest? page = null, CancellationToken cancellationToken = default)
        {
            Pages.Add(page?.ContinuationToken is null ? null : page.ContinuationToken == _firstToken ? "first" : "other");
            if (++_calls == 2)
            {
                throw new SessionStoreException("Injected: the page could not be read.", sessionId: null, "ListByStatus", "sessions", new HttpRequestException("Connection reset by peer"));
            }

            var result = await base.ListByStatusAsync(status, page, cancellationToken);
            _firstToken ??= result.ContinuationToken;
            return result;
        }
    }
}
