using static Sessions.TestSupport.Stores.GoWrittenItems;

namespace Sessions.Tests.DynamoDb;

/// <summary>
/// Lists over items whose <c>created_at</c> another writer stored in another form: each session in the right range,
/// exactly once per walk, newest first by its true instant within a page.
/// </summary>
public abstract class OtherWriterListTests(DynamoDbServerFixture server) : NewTableTests(server, s_day.AddHours(9))
{
    private static readonly DateTimeOffset s_day = new(2032, 7, 14, 0, 0, 0, TimeSpan.Zero);

    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];
    private readonly List<(string Id, DateTimeOffset CreatedAt)> _written = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();

        // created_at in the forms of other writers, with the instant each stands for.
        await PutAsync("2032-07-14T10:00:00Z", s_day.AddHours(10));
        await PutAsync("2032-07-14T10:00:00.5Z", s_day.AddHours(10).AddMilliseconds(500));
        await PutAsync("2032-07-14T12:30:00+02:00", s_day.AddHours(10).AddMinutes(30));
        await PutAsync("2032-07-14t10:20:00z", s_day.AddHours(10).AddMinutes(20));
        await PutAsync("2032-07-14T05:25:00-05:00", s_day.AddHours(10).AddMinutes(25));
        await PutAsync("2032-07-14T10:45:00.000000001+00:00", s_day.AddHours(10).AddMinutes(45));
        await PutAsync("2032-07-14T10:20:00-05:00", s_day.AddHours(15).AddMinutes(20));
        await PutAsync("2032-07-15T00:10:00+14:00", s_day.AddHours(10).AddMinutes(10));
        await PutAsync("2032-07-13T20:40:00-14:00", s_day.AddHours(10).AddMinutes(40));
        await PutAsync("2032-07-14T10:35:00.0000000Z", s_day.AddHours(10).AddMinutes(35));
        var made = await Store.CreateAsync(ServerSession.Start(User(), Profile(), "i-" + _tag, string.Empty, TimeSpan.FromDays(30), s_day.AddHours(10).AddMinutes(15)));
        _written.Add((made.Id, made.CreatedAt));
    }

    public static TheoryData<string, int> Lists => new()
    {
        { "user", 100 }, { "user", 1 }, { "user", 3 },
        { "profile", 100 }, { "profile", 2 },
        { "status", 100 }, { "status", 4 },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_walk_returns_every_session_exactly_once_each_page_newest_first_by_true_instant(string list, int limit)
    {
        var pages = await WalkAsync(page => list switch
        {
            "user" => Store.ListByUserAsync(User(), page),
            "profile" => Store.ListByProfileAsync(Profile(), page),
            _ => Store.ListByStatusAsync(SessionStatus.Active, page),
        }, limit);

        pages.SelectMany(p => p).Select(s => s.Id).Should().BeEquivalentTo(_written.Select(w => w.Id)).And.OnlyHaveUniqueItems();
        foreach (var page in pages)
        {
            page.Select(s => s.CreatedAt).Should().BeInDescendingOrder();
        }

        if (limit >= _written.Count)
        {
            pages.Single().Select(s => s.Id).Should().Equal(_written.OrderByDescending(w => w.CreatedAt).Select(w => w.Id));
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_time_range_holds_exactly_the_sessions_whose_true_instant_is_in_it(int limit)
    {
        var from = s_day.AddHours(10).AddMinutes(15);
        var before = s_day.AddHours(10).AddMinutes(40);

        var pages = await WalkAsync(page => Store.ListByTimeRangeAsync(from, before, page), limit);

        var expected = _written.Where(w => w.CreatedAt >= from && w.CreatedAt < before).OrderByDescending(w => w.CreatedAt).Select(w => w.Id).ToList();
        expected.Should().HaveCount(5, "10:15 (stored form), 10:20 (lower-case t), 10:25 (-05:00), 10:30 (+02:00), 10:35");
        pages.SelectMany(p => p).Select(s => s.Id).Should().BeEquivalentTo(expected).And.OnlyHaveUniqueItems();
        foreach (var page in pages)
        {
            page.Select(s => s.CreatedAt).Should().BeInDescendingOrder();
        }

        if (limit == 100)
        {
            pages.SelectMany(p => p).Select(s => s.Id).Should().Equal(expected);
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1)]
    public async Task A_time_range_holds_the_sessions_stored_with_the_largest_offsets_either_way(int limit)
    {
        // 10:10Z written as 00:10 the next day at +14:00, and 10:40Z written as 20:40 the day before at -14:00.
        var pages = await WalkAsync(page => Store.ListByTimeRangeAsync(s_day.AddHours(10).AddMinutes(10), s_day.AddHours(10).AddMinutes(11), page), limit);
        var late = await WalkAsync(page => Store.ListByTimeRangeAsync(s_day.AddHours(10).AddMinutes(40), s_day.AddHours(10).AddMinutes(41), page), limit);

        pages.SelectMany(p => p).Select(s => s.CreatedAt).Should().Equal(s_day.AddHours(10).AddMinutes(10));
        late.SelectMany(p => p).Select(s => s.CreatedAt).Should().Equal(s_day.AddHours(10).AddMinutes(40));
    }

    [Fact]
    public async Task A_stored_id_longer_than_255_bytes_never_breaks_a_page_token_and_is_reported_as_no_session_id()
    {
        var user = "long-ids-" + _tag;
        var ids = new List<string> { new string('x', 300), new string('é', 600), SessionId.New() };
        for (var i = 0; i < ids.Count; i++)
        {
            var item = Active(SessionId.New(), user, "p", "i", "2032-07-13T00:00:00Z", "2032-08-13T00:00:00Z", $"2032-07-13T0{i}:00:00Z");
            item[SessionItem.Id] = SessionItem.S(ids[i]);
            await GoWrittenItems.PutAsync(Server.Client, Table, item);
        }

        foreach (var list in new Func<PageRequest, Task<SessionPage>>[]
        {
            page => Store.ListByUserAsync(user, page),
            page => Store.ListByTimeRangeAsync(s_day.AddDays(-1), s_day.AddDays(-1).AddHours(3), page),
        })
        {
            // Ids that are not session ids cannot be read as sessions: reported, each on its page, and the walk goes on.
            var (listed, unreadable) = (new List<string>(), new List<string?>());
            var page = new PageRequest(1);
            while (true)
            {
                var result = await list(page);
                listed.AddRange(result.Items.Select(s => s.Id));
                unreadable.AddRange(result.Unreadable.Select(e => e.SessionId));
                if (result.ContinuationToken is null)
                {
                    break;
                }

                page = page with { ContinuationToken = result.ContinuationToken };
            }

            listed.Should().Equal(ids[2]);
            unreadable.Should().Equal(ids[1], ids[0]);
        }
    }

    private string User() => "lister-" + _tag;

    private string Profile() => "profile-" + _tag;

    private async Task PutAsync(string createdAt, DateTimeOffset instant)
    {
        SessionTimestamp.Parse(createdAt).Should().Be(instant, "the test's own arithmetic");
        var id = SessionId.New();
        await GoWrittenItems.PutAsync(Server.Client, Table, Active(id, User(), Profile(), "i-" + _tag, "2032-07-14T00:00:00Z", "2032-08-14T00:00:00Z", createdAt));
        _written.Add((id, instant));
    }

    private static async Task<List<IReadOnlyList<ServerSession>>> WalkAsync(Func<PageRequest, Task<SessionPage>> list, int limit)
    {
        var pages = new List<IReadOnlyList<ServerSession>>();
        var page = new PageRequest(limit);
        for (var i = 0; i < 1_000; i++)
        {
            var result = await list(page);
            result.Items.Count.Should().BeLessThanOrEqualTo(limit);
            pages.Add(result.Items);
            if (result.ContinuationToken is null)
            {
                return pages;
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }

        throw new InvalidOperationException("The walk did not end.");
    }
}

/// <summary><see cref="OtherWriterListTests"/> on dynalite.</summary>
public sealed class OtherWriterListTestsOnDynalite(DynaliteFixture server) : OtherWriterListTests(server), IClassFixture<DynaliteFixture>;

public sealed class OtherWriterListTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : OtherWriterListTests(server), IClassFixture<DynamoDbLocalFixture>;
