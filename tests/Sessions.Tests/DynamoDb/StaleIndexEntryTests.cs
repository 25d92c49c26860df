using Moq;

namespace Sessions.Tests.DynamoDb;

/// <summary>
/// Global secondary indexes are eventually consistent: an index entry may still show a state the item left. dynalite
/// updates its indexes at once, so these canned answers are the proof that a list re-checks every item it read
/// consistently and drops the ones that no longer match.
/// </summary>
public sealed class StaleIndexEntryTests
{
    private const string Table = "sessions";
    private static readonly DateTimeOffset Now = new(2030, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Mock<IAmazonDynamoDB> _client = new(MockBehavior.Strict);
    private readonly DynamoDbSessionStore _store;
    private readonly ServerSession _active = ServerSession.Start("alice", "prod", "i-1", "svc", TimeSpan.FromHours(1), Now) with { Version = 1 };
    private readonly ServerSession _revoked;
    private readonly ServerSession _gone = ServerSession.Start("alice", "prod", "i-1", "svc", TimeSpan.FromHours(1), Now.AddSeconds(-1)) with { Version = 1 };

    public StaleIndexEntryTests()
    {
        _revoked = ServerSession.Start("alice", "prod", "i-1", "svc", TimeSpan.FromHours(1), Now.AddSeconds(-2)).Revoke("ops", "test", Now) with { Version = 2 };
        _store = TestStores.DynamoDb(_client.Object, Table);
        _client.Setup(c => c.BatchGetItemAsync(It.IsAny<BatchGetItemRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new BatchGetItemResponse
            {
                // The item behind the third entry was deleted: the consistent read does not return it.
                Responses = new() { [Table] = [Item(_active), Item(_revoked)] },
            });
    }

    [Fact]
    public async Task ListByStatus_drops_entries_whose_item_left_the_status_or_is_gone()
    {
        AnswerQueriesWith(_active, _revoked, _gone);

        var page = await _store.ListByStatusAsync(SessionStatus.Active);

        page.Items.Should().Equal(_active);
    }

    [Fact]
    public async Task ListByUser_drops_entries_whose_item_is_gone_and_keeps_the_order_of_the_index()
    {
        AnswerQueriesWith(_active, _revoked, _gone);

        var page = await _store.ListByUserAsync("alice");

        page.Items.Should().Equal(_active, _revoked);
    }

    [Fact]
    public async Task ListByTimeRange_keeps_each_item_once_whichever_status_partitions_still_list_it()
    {
        // Every status partition still lists all three entries (newest first, as the index orders them): each item
        // read consistently is kept once, and the one that is gone is dropped.
        AnswerQueriesWith(_active, _gone, _revoked);

        var page = await _store.ListByTimeRangeAsync(Now.AddMinutes(-1), Now.AddMinutes(1));

        page.Items.Should().Equal(_active, _revoked);
    }

    [Fact]
    public async Task FindActiveByServerInstance_ignores_an_entry_whose_item_is_no_longer_active()
    {
        AnswerQueriesWith(_revoked);
        _client.Setup(c => c.GetItemAsync(It.IsAny<GetItemRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GetItemResponse { Item = Item(_revoked) });

        (await _store.FindActiveByServerInstanceAsync("i-1")).Should().BeNull();
    }

    private void AnswerQueriesWith(params ServerSession[] entries) =>
        _client.Setup(c => c.QueryAsync(It.IsAny<QueryRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((QueryRequest request, CancellationToken _) => new QueryResponse
            {
                Items = entries.Select(s => IndexEntry(s, request)).ToList(),
                Count = entries.Length,
            });

    private static Dictionary<string, AttributeValue> IndexEntry(ServerSession session, QueryRequest request)
    {
        var partition = request.ExpressionAttributeNames["#pk"];
        var item = Item(session);
        return new Dictionary<string, AttributeValue>
        {
            [SessionItem.Id] = item[SessionItem.Id],
            [SessionItem.CreatedAt] = item[SessionItem.CreatedAt],
            [partition] = request.ExpressionAttributeValues[":pk"],
        };
    }

    private static Dictionary<string, AttributeValue> Item(ServerSession session) => SessionItem.ToItem(session, TimeSpan.FromHours(1));
}
