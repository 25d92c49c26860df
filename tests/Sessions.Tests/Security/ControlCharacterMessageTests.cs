namespace Sessions.Tests.Security;

/// <summary>
/// Exception messages built from stored or caller text carry no control character, so a message written to a log or a
/// terminal cannot forge a log line, hide itself or drive the terminal; the exception's properties keep the raw values.
/// </summary>
public sealed class ControlCharacterMessageTests
{
    private const string HidingRevoker = "\u001b[8mops";
    private const string ForgedLine = "ops\r\n2026-01-20T02:00:00Z INFO session restored by admin";

    [Fact]
    public void SessionRevokedException_escapes_the_revoker_and_keeps_the_raw_value_in_its_property()
    {
        var exception = new SessionRevokedException("0123456789abcdef", HidingRevoker, "why\n");

        exception.Message.Should().Be(@"Session '0123456789abcdef' was revoked by '\e[8mops'.");
        exception.RevokedBy.Should().Be(HidingRevoker);
        exception.RevokedReason.Should().Be("why\n");
    }

    [Fact]
    public async Task Touch_of_a_session_revoked_by_hostile_text_throws_a_message_on_one_visible_line()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 20, 2, 0, 0, TimeSpan.Zero));
        var store = new InMemorySessionStore(time);
        var session = await store.CreateAsync(ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), time.GetUtcNow()));
        await store.RevokeAsync(session.Id, ForgedLine, "reason");

        var thrown = await FluentActions.Awaiting(() => store.TouchAsync(session.Id)).Should().ThrowAsync<SessionRevokedException>();

        thrown.Which.Message.Should().NotContainAny("\r", "\n").And.Contain(@"ops\r\n2026-01-20T02:00:00Z INFO");
        thrown.Which.RevokedBy.Should().Be(ForgedLine);
    }

    [Theory]
    [InlineData("act\nive")]
    [InlineData("\u001b]0;pwned\u0007")]
    public void A_corrupt_item_names_its_attribute_with_the_stored_text_escaped(string status)
    {
        var item = SessionItem.ToItem(ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), DateTimeOffset.UnixEpoch), TimeSpan.FromHours(1));
        item[SessionItem.Status] = SessionItem.S(status);

        var act = () => SessionItem.FromItem(item);

        var message = act.Should().Throw<SessionStoreException>().Which.Message;
        message.Should().Contain("'status'").And.NotContainAny("\n", "\u001b", "\u0007");
        message.Should().Contain(status.Replace("\n", @"\n", StringComparison.Ordinal).Replace("\u001b", @"\e", StringComparison.Ordinal).Replace("\u0007", @"\x07", StringComparison.Ordinal));
    }

    [Fact]
    public void A_corrupt_item_with_a_hostile_id_escapes_the_id()
    {
        var item = SessionItem.ToItem(ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), DateTimeOffset.UnixEpoch), TimeSpan.FromHours(1));
        item[SessionItem.Id] = SessionItem.S("x\r\nFAKE");
        item.Remove(SessionItem.User);

        var act = () => SessionItem.FromItem(item);

        act.Should().Throw<SessionStoreException>().Which.Message.Should().Contain(@"'x\r\nFAKE'").And.NotContainAny("\r", "\n");
    }

    [Fact]
    public void SessionStoreException_messages_from_any_constructor_are_escaped()
    {
        new SessionStoreException("line one\nline two").Message.Should().Be(@"line one\nline two");
        new SessionStoreException("a\u001b[2Jb", new InvalidOperationException()).Message.Should().Be(@"a\e[2Jb");
        new SessionStoreException("c\rd", "0123456789abcdef", "Get", "sessions", null).Message.Should().Be(@"c\rd");
        new SessionNotFoundException("bad\nid").Message.Should().Be(@"Session 'bad\nid' was not found.");
        new SessionAlreadyExistsException("bad\u202eid").Message.Should().Be(@"Session 'bad\u202eid' already exists.");
    }

    [Fact]
    public async Task A_malformed_id_is_refused_with_the_id_escaped_in_the_message()
    {
        var store = new InMemorySessionStore();

        var thrown = await FluentActions.Awaiting(() => store.GetAsync("0123\n\u001b[31m")).Should().ThrowAsync<ArgumentException>();

        thrown.Which.Message.Should().Contain(@"'0123\n\e[31m'").And.NotContainAny("\n", "\u001b");
    }
}
