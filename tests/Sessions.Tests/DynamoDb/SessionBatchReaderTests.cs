using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace Sessions.Tests.DynamoDb;

/// <summary>The consistent batch read of list pages: chunks of 100 keys, and unprocessed keys retried after a backoff on the clock.</summary>
public sealed class SessionBatchReaderTests
{
    private const string Table = "sessions";
    private static readonly DateTimeOffset Now = new(2030, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly RecordingClock _clock;
    private readonly Mock<IAmazonDynamoDB> _client = new(MockBehavior.Strict);
    private readonly List<BatchGetItemRequest> _requests = [];
    private readonly Queue<BatchGetItemResponse> _answers = new();
    private readonly SessionBatchReader _reader;

    public SessionBatchReaderTests()
    {
        _client.Setup(c => c.BatchGetItemAsync(It.IsAny<BatchGetItemRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((BatchGetItemRequest request, CancellationToken _) =>
            {
                _requests.Add(request);
                return _answers.Dequeue();
            });
        _clock = new RecordingClock(_time);
        _reader = new SessionBatchReader(_client.Object, Table, _clock, NullLogger.Instance, new Random(12));
    }

    [Fact]
    public async Task Unprocessed_keys_are_asked_again_only_after_the_backoff_has_passed_on_the_clock()
    {
        var (first, second) = (Session(0), Session(1));
        _answers.Enqueue(Answer([first], unprocessed: [second]));
        _answers.Enqueue(Answer([second]));
        var expectedDelay = SessionBatchReader.Backoff(0, new Random(12).NextDouble());

        var read = _reader.ReadAsync([first.Id, second.Id], onCorrupt: null, CancellationToken.None);

        _requests.Should().HaveCount(1);
        _time.Advance(expectedDelay - TimeSpan.FromMilliseconds(1));
        read.IsCompleted.Should().BeFalse();
        _requests.Should().HaveCount(1);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var sessions = await read;

        sessions.Keys.Should().BeEquivalentTo([first.Id, second.Id]);
        _requests.Should().HaveCount(2);
        _clock.Waits.Should().ContainSingle("the backoff waits on the TimeProvider, not on the wall clock")
            .Which.Should().BeCloseTo(expectedDelay, TimeSpan.FromMilliseconds(1), "Task.Delay counts whole milliseconds");
        _requests[1].RequestItems[Table].Keys.Should().ContainSingle().Which[SessionItem.Id].S.Should().Be(second.Id);
    }

    [Fact]
    public async Task Keys_still_unprocessed_after_the_last_retry_fail_the_read_naming_the_table()
    {
        var session = Session(0);
        for (var i = 0; i <= SessionBatchReader.MaxUnprocessedRetries; i++)
        {
            _answers.Enqueue(Answer([], unprocessed: [session]));
        }

        var read = _reader.ReadAsync([session.Id], onCorrupt: null, CancellationToken.None);
        while (!read.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        (await FluentActions.Awaiting(() => read).Should().ThrowAsync<SessionStoreException>())
            .Which.Message.Should().Contain($"'{Table}'").And.Contain("unprocessed");
        _requests.Should().HaveCount(SessionBatchReader.MaxUnprocessedRetries + 1);
        _clock.Waits.Should().HaveCount(SessionBatchReader.MaxUnprocessedRetries);
    }

    [Fact]
    public async Task More_than_100_ids_are_read_consistently_in_chunks_of_100()
    {
        var sessions = Enumerable.Range(0, 150).Select(Session).ToList();
        _answers.Enqueue(Answer(sessions.Take(100)));
        _answers.Enqueue(Answer(sessions.Skip(100)));

        var read = await _reader.ReadAsync([.. sessions.Select(s => s.Id)], onCorrupt: null, CancellationToken.None);

        read.Should().HaveCount(150);
        _requests.Select(r => r.RequestItems[Table].Keys.Count).Should().Equal(100, 50);
        _requests.Should().OnlyContain(r => r.RequestItems[Table].ConsistentRead == true);
    }

    [Fact]
    public async Task A_corrupt_item_is_reported_and_left_out_when_asked_and_fails_the_read_otherwise()
    {
        var (good, bad) = (Session(0), Session(1));
        var corrupt = SessionItem.ToItem(bad, TimeSpan.FromHours(1));
        corrupt[SessionItem.Status] = new AttributeValue { S = "paused" };
        _answers.Enqueue(new BatchGetItemResponse { Responses = new() { [Table] = [SessionItem.ToItem(good, TimeSpan.FromHours(1)), corrupt] } });
        _answers.Enqueue(new BatchGetItemResponse { Responses = new() { [Table] = [corrupt] } });
        var reported = new List<SessionCorruptException>();

        var read = await _reader.ReadAsync([good.Id, bad.Id], reported.Add, CancellationToken.None);

        read.Keys.Should().Equal(good.Id);
        reported.Should().ContainSingle().Which.SessionId.Should().Be(bad.Id);
        await FluentActions.Awaiting(() => _reader.ReadAsync([bad.Id], onCorrupt: null, CancellationToken.None)).Should().ThrowAsync<SessionCorruptException>();
    }

    [Theory]
    [InlineData(0, 0.0, 12.5)]
    [InlineData(0, 0.999, 37.475)]
    [InlineData(3, 0.5, 200)]
    [InlineData(7, 0.5, 1_000)]
    [InlineData(8, 0.0, 500)]
    public void Backoff_doubles_from_25_ms_up_to_1_s_times_a_jitter_between_half_and_one_and_a_half(int attempt, double jitter, double expectedMs) =>
        SessionBatchReader.Backoff(attempt, jitter).TotalMilliseconds.Should().BeApproximately(expectedMs, 0.001);

    private static ServerSession Session(int n) =>
        ServerSession.Start("alice", "prod", "i-1", "svc", TimeSpan.FromHours(1), Now.AddSeconds(-n)) with { Version = 1 };

    private static BatchGetItemResponse Answer(IEnumerable<ServerSession> items, IEnumerable<ServerSession>? unprocessed = null) => new()
    {
        Responses = new() { [Table] = items.Select(s => SessionItem.ToItem(s, TimeSpan.FromHours(1))).ToList() },
        UnprocessedKeys = unprocessed is null
            ? []
            : new() { [Table] = new KeysAndAttributes { Keys = unprocessed.Select(s => SessionItem.Key(s.Id)).ToList(), ConsistentRead = true } },
    };

    /// <summary>The fake clock, noting each wait that is set on it.</summary>
    private sealed class RecordingClock(FakeTimeProvider inner) : TimeProvider
    {
        public List<TimeSpan> Waits { get; } = [];

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Waits.Add(dueTime);
            return inner.CreateTimer(callback, state, dueTime, period);
        }
    }
}
