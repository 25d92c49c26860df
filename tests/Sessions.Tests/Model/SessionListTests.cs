using Sessions.Paging;

namespace Sessions.Tests.Model;

/// <summary>Which sessions each list returns and in what order: one rule set that both stores apply to what they fetch.</summary>
public sealed class SessionListTests
{
    private static readonly DateTimeOffset Now = new(2030, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_list_keeps_only_the_sessions_whose_current_state_matches_it()
    {
        var alice = Start("alice", "prod", "i-1", Now);
        var bob = Start("bob", "dev", "i-2", Now);
        var revoked = alice.Revoke("ops", "test", Now);

        SessionList.ByUser("alice").Page([alice, bob, revoked]).Should().BeEquivalentTo([alice, revoked]);
        SessionList.ByProfile("dev").Page([alice, bob, revoked]).Should().Equal(bob);
        SessionList.ByStatus(SessionStatus.Active).Page([alice, bob, revoked, null]).Should().BeEquivalentTo([alice, bob]);
        SessionList.ActiveOf("i-1").Page([alice, bob, revoked]).Should().Equal(alice);
    }

    [Fact]
    public void Pages_are_newest_first_and_sessions_created_at_the_same_instant_go_by_id_descending()
    {
        var older = Start("alice", "prod", "i-1", Now.AddSeconds(-1));
        var (low, high) = (Start("alice", "prod", "i-1", Now) with { Id = "0000000000000001" }, Start("alice", "prod", "i-1", Now) with { Id = "00000000000000ff" });

        SessionList.ByUser("alice").Page([older, low, high]).Should().Equal(high, low, older);
        SessionList.ByUser("alice").Page([older, low, high], take: 2).Should().Equal(high, low);
        SessionList.ActiveOf("i-1").Newest([older, low, high]).Should().Be(high);
        SessionList.ActiveOf("i-9").Newest([older, low, high]).Should().BeNull();
    }

    [Fact]
    public void A_time_range_holds_its_start_and_not_its_end_judged_by_the_true_instant()
    {
        var list = SessionList.ByTimeRange(Now, Now.AddMinutes(1));
        var atStart = Start("a", "p", "i", Now);
        var atEnd = Start("a", "p", "i", Now.AddMinutes(1));
        var inOtherOffset = Start("a", "p", "i", Now.AddSeconds(30).ToOffset(TimeSpan.FromHours(-7)));

        list.Page([atStart, atEnd, inOtherOffset]).Should().Equal(inOtherOffset, atStart);
        list.MayHold("2030-05-01T05:00:30-07:00").Should().BeTrue("12:00:30 UTC lies in the range whatever its stored form");
        list.MayHold("2030-05-01T12:01:00Z").Should().BeFalse();
        list.MayHold("not a time").Should().BeTrue("an unreadable created_at is judged on the item it belongs to");
        SessionList.ByUser("a").MayHold("2000-01-01T00:00:00Z").Should().BeTrue();
    }

    [Fact]
    public void Only_a_time_range_of_no_length_is_empty_whatever_the_store_holds()
    {
        SessionList.ByTimeRange(Now, Now).IsEmpty.Should().BeTrue();
        SessionList.ByTimeRange(Now, Now.AddTicks(1)).IsEmpty.Should().BeFalse();
        SessionList.ByUser("a").IsEmpty.Should().BeFalse();
    }

    [Fact]
    public void After_a_cursor_come_the_older_sessions_and_those_as_old_with_a_smaller_id()
    {
        var cursor = PageCursor.After(SessionTimestamp.Format(Now), "0000000000000010");
        var after = SessionList.After(cursor);

        after(Start("a", "p", "i", Now.AddTicks(-1))).Should().BeTrue();
        after(Start("a", "p", "i", Now) with { Id = "000000000000000f" }).Should().BeTrue();
        after(Start("a", "p", "i", Now) with { Id = "0000000000000010" }).Should().BeFalse();
        after(Start("a", "p", "i", Now.AddTicks(1))).Should().BeFalse();
        SessionList.After(PageCursor.Start)(Start("a", "p", "i", Now)).Should().BeTrue();
        SessionList.After(PageCursor.Done)(Start("a", "p", "i", Now)).Should().BeFalse();
    }

    [Fact]
    public void A_token_of_another_list_is_refused_before_any_read()
    {
        var token = PageToken.Encode(SessionList.ByUser("alice").Query, [PageCursor.After(SessionTimestamp.Format(Now), "0000000000000010")]);

        SessionList.ByUser("alice").Start(new PageRequest(10, token)).State.Should().Be(PageCursorState.After);
        FluentActions.Invoking(() => SessionList.ByUser("bob").Start(new PageRequest(10, token))).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => SessionList.ByTimeRange(Now.AddDays(1), Now.AddDays(2)).Start(new PageRequest(10, token))).Should().Throw<ArgumentException>();
    }

    private static ServerSession Start(string user, string profile, string instance, DateTimeOffset at) =>
        ServerSession.Start(user, profile, instance, "svc", TimeSpan.FromHours(1), at);
}
