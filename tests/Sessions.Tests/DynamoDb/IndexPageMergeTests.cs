using Sessions.Paging;

namespace Sessions.Tests.DynamoDb;

public sealed class IndexPageMergeTests
{
    [Fact]
    public void Partitions_are_merged_newest_first_and_the_next_page_starts_after_the_last_key_taken()
    {
        var (taken, next) = IndexPageMerge.Merge([Page(["09", "05", "01"]), Page(["08", "04"]), Page(["07", "06"])], limit: 4);

        Times(taken).Should().Equal("09", "08", "07", "06");
        next.Should().Be(Key("06").Cursor);
    }

    [Fact]
    public void Exhausted_partitions_whose_keys_were_all_taken_end_the_walk()
    {
        var (taken, next) = IndexPageMerge.Merge([Page(["03", "01"]), Page(["02"]), Page([])], limit: 10);

        Times(taken).Should().Equal("03", "02", "01");
        next.State.Should().Be(PageCursorState.Done);
    }

    [Fact]
    public void Exhausted_partitions_still_continue_from_the_shared_cursor_when_the_limit_cut_the_page()
    {
        var (taken, next) = IndexPageMerge.Merge([Page(["03", "01"]), Page(["02"]), Page([])], limit: 2);

        Times(taken).Should().Equal("03", "02");
        next.Should().Be(Key("02").Cursor, "a session older than 02 may yet move into any partition before the walk reaches it");
    }

    [Fact]
    public void A_key_found_in_two_partitions_because_it_moved_between_the_queries_is_taken_once()
    {
        var (taken, next) = IndexPageMerge.Merge([Page(["05", "03"]), Page(["04", "03"]), Page([])], limit: 10);

        Times(taken).Should().Equal("05", "04", "03");
        next.State.Should().Be(PageCursorState.Done);
    }

    [Fact]
    public void Nothing_below_a_partitions_LastEvaluatedKey_is_taken_before_that_partition_is_read_further()
    {
        // The second partition stopped early (as a query may, at 1 MB) at 07: it may still hold 06 or 05.
        var (taken, next) = IndexPageMerge.Merge([Page(["09", "06", "05"]), Page(["08", "07"], next: "07"), Page([])], limit: 5);

        Times(taken).Should().Equal("09", "08", "07");
        next.Should().Be(Key("07").Cursor);
    }

    [Fact]
    public void An_empty_page_with_a_LastEvaluatedKey_moves_the_cursor_to_it_without_taking_anything_below()
    {
        var (taken, next) = IndexPageMerge.Merge([Page(["03"]), Page([], next: "05"), Page([])], limit: 5);

        taken.Should().BeEmpty();
        next.Should().Be(Key("05").Cursor);
    }

    private static IndexKey Key(string time) => new($"2070-01-01T00:00:{time}.0000000Z", "00000000000000" + time);

    private static IndexPage Page(string[] times, string? next = null) =>
        new(times.Select(Key).ToList(), next is null ? PageCursor.Done : Key(next).Cursor);

    private static IEnumerable<string> Times(IEnumerable<IndexKey> keys) => keys.Select(k => k.Id[^2..]);
}
