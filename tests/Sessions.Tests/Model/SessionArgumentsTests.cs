using System.Text;

namespace Sessions.Tests.Model;

public sealed class SessionArgumentsTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 20, 2, 19, 9, TimeSpan.Zero);

    // Cases are passed by name: xunit serializes theory data and would replace an unpaired surrogate with U+FFFD.
    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        // Exactly 1,024 UTF-8 bytes, ending in characters of every UTF-8 length.
        ["1024 ascii"] = Text(1024, string.Empty),
        ["1024 ending in a 2-byte character"] = Text(1022, "\u00E9"), // é
        ["1024 ending in a 3-byte character"] = Text(1021, "\u20AC"), // €
        ["1024 ending in a 4-byte character"] = Text(1020, "\U0001F600"), // 😀, a surrogate pair
        ["1024 of 4-byte characters"] = Repeat("\U0001F600", 256),
        ["1024 of 3-byte characters and one ascii"] = Repeat("\u20AC", 341) + "a",
        ["1024 of 2-byte characters"] = Repeat("\u00E9", 512),

        // 1,025 UTF-8 bytes or more.
        ["1025 ascii"] = Text(1025, string.Empty),
        ["1025 ending in a 2-byte character"] = Text(1023, "\u00E9"),
        ["1025 ending in a 3-byte character"] = Text(1022, "\u20AC"),
        ["1025 ending in a 4-byte character"] = Text(1021, "\U0001F600"),
        ["1026 of 3-byte characters"] = Repeat("\u20AC", 342),
        ["1025 of 4-byte characters and one ascii"] = Repeat("\U0001F600", 256) + "a",
        ["1026 of 2-byte characters"] = Repeat("\u00E9", 513),
        ["100000 ascii"] = Text(100_000, string.Empty),

        // Not valid Unicode: a surrogate without its partner.
        ["lone high surrogate"] = "\uD800",
        ["lone low surrogate"] = "\uDC00",
        ["high surrogate at the end"] = "alice\uD83D",
        ["low surrogate at the start"] = "\uDE00alice",
        ["high surrogate inside"] = "ali\uD83Dce",
        ["pair in the wrong order"] = "\uDE00\uD83D",
        ["high surrogate after 1000 ascii"] = Text(1000, "\uD83D"),
    };

    public static TheoryData<string> KeysOf1024Bytes => Named("1024 ");

    public static TheoryData<string> KeysOver1024Bytes => Named("1025 ", "1026 ", "100000 ");

    public static TheoryData<string> UnpairedSurrogates => Named("lone ", "high ", "low ", "pair ");

    [Theory]
    [MemberData(nameof(KeysOf1024Bytes))]
    public void Start_accepts_key_fields_of_exactly_1024_utf8_bytes(string name)
    {
        var key = Keys[name];
        Encoding.UTF8.GetByteCount(key).Should().Be(1024);

        var session = ServerSession.Start(key, key, key, string.Empty, TimeSpan.FromHours(1), Now);

        session.User.Should().Be(key);
        session.Profile.Should().Be(key);
        session.ServerInstanceId.Should().Be(key);
    }

    [Theory]
    [MemberData(nameof(KeysOver1024Bytes))]
    public void Start_rejects_key_fields_over_1024_utf8_bytes(string name)
    {
        var key = Keys[name];
        Encoding.UTF8.GetByteCount(key).Should().BeGreaterThan(1024);

        FluentActions.Invoking(() => ServerSession.Start(key, "prod", "i-1", string.Empty, TimeSpan.FromHours(1), Now))
            .Should().Throw<ArgumentException>().WithParameterName("user").WithMessage("*UTF-8 bytes*");
        FluentActions.Invoking(() => ServerSession.Start("alice", key, "i-1", string.Empty, TimeSpan.FromHours(1), Now))
            .Should().Throw<ArgumentException>().WithParameterName("profile");
        FluentActions.Invoking(() => ServerSession.Start("alice", "prod", key, string.Empty, TimeSpan.FromHours(1), Now))
            .Should().Throw<ArgumentException>().WithParameterName("serverInstanceId");
    }

    [Theory]
    [MemberData(nameof(UnpairedSurrogates))]
    public void Start_rejects_key_fields_with_unpaired_surrogates(string name)
    {
        var key = Keys[name];
        var act = () => ServerSession.Start("alice", "prod", key, string.Empty, TimeSpan.FromHours(1), Now);

        act.Should().Throw<ArgumentException>().WithParameterName("serverInstanceId").WithMessage("*surrogate*");
    }

    [Theory]
    [MemberData(nameof(KeysOf1024Bytes))]
    public async Task Store_lists_accept_keys_of_exactly_1024_utf8_bytes(string name)
    {
        var key = Keys[name];
        var store = new InMemorySessionStore();

        (await store.ListByUserAsync(key)).Items.Should().BeEmpty();
        (await store.ListByProfileAsync(key)).Items.Should().BeEmpty();
        (await store.FindActiveByServerInstanceAsync(key)).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(KeysOver1024Bytes))]
    [MemberData(nameof(UnpairedSurrogates))]
    public async Task Store_lists_reject_oversized_or_invalid_keys_naming_the_parameter(string name)
    {
        var key = Keys[name];
        var store = new InMemorySessionStore();

        await FluentActions.Awaiting(() => store.ListByUserAsync(key)).Should().ThrowAsync<ArgumentException>().WithParameterName("user");
        await FluentActions.Awaiting(() => store.ListByProfileAsync(key)).Should().ThrowAsync<ArgumentException>().WithParameterName("profile");
        await FluentActions.Awaiting(() => store.FindActiveByServerInstanceAsync(key)).Should().ThrowAsync<ArgumentException>().WithParameterName("serverInstanceId");
    }

    [Theory]
    [MemberData(nameof(KeysOver1024Bytes))]
    [MemberData(nameof(UnpairedSurrogates))]
    public async Task Create_rejects_a_session_whose_key_field_is_oversized_or_invalid_and_stores_nothing(string name)
    {
        var key = Keys[name];
        var store = new InMemorySessionStore();
        var session = ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), Now) with { Profile = key };

        await FluentActions.Awaiting(() => store.CreateAsync(session)).Should().ThrowAsync<ArgumentException>().WithParameterName("session.Profile");
        store.Count.Should().Be(0);
    }

    [Fact]
    public async Task Revoke_accepts_a_reason_of_4096_utf8_bytes_and_rejects_4097()
    {
        var store = new InMemorySessionStore(new FakeTimeProvider(Now));
        var first = await store.CreateAsync(ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), Now));
        var second = await store.CreateAsync(ServerSession.Start("alice", "prod", "i-2", string.Empty, TimeSpan.FromHours(1), Now));

        var revoked = await store.RevokeAsync(first.Id, "operator", Text(4093, "\u20AC"));
        revoked.RevokedReason.Should().HaveLength(4094);

        await FluentActions.Awaiting(() => store.RevokeAsync(second.Id, "operator", Text(4094, "\u20AC")))
            .Should().ThrowAsync<ArgumentException>().WithParameterName("reason");
        (await store.GetAsync(second.Id)).Status.Should().Be(SessionStatus.Active);
    }

    [Fact]
    public async Task Revoke_rejects_a_revoker_with_an_unpaired_surrogate()
    {
        var store = new InMemorySessionStore(new FakeTimeProvider(Now));
        var session = await store.CreateAsync(ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), Now));

        await FluentActions.Awaiting(() => store.RevokeAsync(session.Id, "oper\uD800ator", "why"))
            .Should().ThrowAsync<ArgumentException>().WithParameterName("revokedBy");
    }

    [Theory]
    [InlineData(int.MinValue, 100)]
    [InlineData(-1, 100)]
    [InlineData(0, 100)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(100, 100)]
    [InlineData(999, 999)]
    [InlineData(1000, 1000)]
    [InlineData(1001, 1000)]
    [InlineData(int.MaxValue, 1000)]
    public void EffectiveLimit_brings_the_limit_into_1_to_1000(int limit, int effective) =>
        new PageRequest(limit).EffectiveLimit.Should().Be(effective);

    [Fact]
    public void The_default_page_request_asks_for_100_from_the_start()
    {
        new PageRequest().EffectiveLimit.Should().Be(PageRequest.DefaultLimit).And.Be(100);
        PageRequest.First.EffectiveLimit.Should().Be(100);
        PageRequest.First.ContinuationToken.Should().BeNull();
    }

    private static string Text(int asciiLength, string tail) => new string('a', asciiLength) + tail;

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    private static TheoryData<string> Named(params string[] prefixes) =>
        [.. Keys.Keys.Where(name => prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))];
}
