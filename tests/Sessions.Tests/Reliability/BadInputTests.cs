using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Sessions.Paging;

namespace Sessions.Tests.Reliability;

/// <summary>One malformed call, named for the failure report.</summary>
public sealed record BadInput(string Name, Func<ISessionStore, Task> Call);

/// <summary>
/// Malformed ids, key fields, sessions and continuation tokens: both stores refuse each with an
/// <see cref="ArgumentException"/> naming the parameter, and the DynamoDB store sends nothing (requests counted on the
/// wire). Page limits out of range are brought into 1–1,000 before the query is sent. Each test logs how many inputs it tried.
/// </summary>
public abstract class BadInputTests(DynamoDbServerFixture server, ITestOutputHelper output) : IAsyncLifetime
{
    private const int OneMegabyte = 1 << 20;
    private static readonly string s_megabyte = new('a', OneMegabyte);
    private static readonly DateTimeOffset s_now = new(2038, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(s_now);
    private readonly CountingHandler _wire = new();
    private readonly ScriptedFaultHandler _recorder = new(_ => WireFault.None);
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];
    private InMemorySessionStore _memory = null!;
    private DynamoDbSessionStore _dynamo = null!;

    public async Task InitializeAsync()
    {
        var table = await server.SharedTableAsync();
        _wire.InnerHandler = _recorder;
        _dynamo = TestStores.DynamoDb(server.CreateClient(_wire), table, _time);
        _memory = new InMemorySessionStore(_time);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static IEnumerable<(string Name, string? Id)> BadIds =>
    [
        ("null", null),
        ("empty", string.Empty),
        ("15 characters", "0123456789abcde"),
        ("17 characters", "0123456789abcdef0"),
        ("upper case", "0123456789ABCDEF"),
        ("one upper-case letter", "0123456789abcdeF"),
        ("non-hex letter", "0123456789abcdeg"),
        ("0x prefix", "0x23456789abcdef"),
        ("Arabic-Indic digits", "٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥"),
        ("Devanagari digits", "०१२३४५६७८९०१२३४५"),
        ("fullwidth hex", "０１２３４５６７８９ａｂｃｄｅｆ"),
        ("leading space", " 123456789abcdef"),
        ("trailing space", "0123456789abcde "),
        ("trailing newline", "0123456789abcde\n"),
        ("tab inside", "01234567\t9abcdef"),
        ("no-break space inside", "01234567\u00A09abcdef"),
        ("zero-width space inside", "0123456\u200B89abcdef"),
        ("NUL inside", "0123456\u000089abcdef"),
        ("16 spaces", new string(' ', 16)),
        ("valid id padded to 17 with a space", SessionId.New() + " "),
        ("1 MB", s_megabyte),
    ];

    public static IEnumerable<(string Name, string? Value)> BadKeys =>
    [
        ("null", null),
        ("empty", string.Empty),
        ("1,025 ASCII bytes", new string('k', 1_025)),
        ("1,023 bytes + 2-byte character", new string('k', 1_023) + "é"),
        ("1,022 bytes + 3-byte character", new string('k', 1_022) + "€"),
        ("1,021 bytes + 4-byte character", new string('k', 1_021) + "😀"),
        ("512 two-byte characters + 1 byte", string.Concat(Enumerable.Repeat("é", 512)) + "k"),
        ("341 three-byte characters + 2 bytes", string.Concat(Enumerable.Repeat("€", 341)) + "kk"),
        ("256 four-byte characters + 1 byte", string.Concat(Enumerable.Repeat("😀", 256)) + "k"),
        ("unpaired high surrogate", "user\uD800"),
        ("unpaired low surrogate", "\uDC00user"),
        ("1 MB", s_megabyte),
    ];

    [Fact]
    public async Task Malformed_session_ids_are_refused_by_every_operation_before_any_request()
    {
        var inputs = new List<BadInput>();
        foreach (var (name, id) in BadIds)
        {
            inputs.Add(new($"Get id {name}", s => s.GetAsync(id!)));
            inputs.Add(new($"Delete id {name}", s => s.DeleteAsync(id!)));
            inputs.Add(new($"Touch id {name}", s => s.TouchAsync(id!)));
            inputs.Add(new($"Revoke id {name}", s => s.RevokeAsync(id!, "ops", "reason")));
            inputs.Add(new($"Expire id {name}", s => s.ExpireAsync(id!)));
            inputs.Add(new($"Create with id {name}", s => s.CreateAsync(Valid() with { Id = id! })));
            inputs.Add(new($"Update with id {name}", s => s.UpdateAsync(Valid() with { Id = id!, Version = 1 })));
        }

        await ShouldRefuseAllAsync(inputs);
    }

    [Fact]
    public async Task Malformed_index_key_fields_are_refused_by_every_operation_before_any_request()
    {
        var inputs = new List<BadInput>();
        foreach (var (name, key) in BadKeys)
        {
            inputs.Add(new($"Create with user {name}", s => s.CreateAsync(Valid() with { User = key! })));
            inputs.Add(new($"Create with profile {name}", s => s.CreateAsync(Valid() with { Profile = key! })));
            inputs.Add(new($"Create with server instance {name}", s => s.CreateAsync(Valid() with { ServerInstanceId = key! })));
            inputs.Add(new($"Update with user {name}", s => s.UpdateAsync(Valid() with { User = key!, Version = 1 })));
            inputs.Add(new($"Update with profile {name}", s => s.UpdateAsync(Valid() with { Profile = key!, Version = 1 })));
            inputs.Add(new($"Update with server instance {name}", s => s.UpdateAsync(Valid() with { ServerInstanceId = key!, Version = 1 })));
            inputs.Add(new($"ListByUser {name}", s => s.ListByUserAsync(key!)));
            inputs.Add(new($"ListByProfile {name}", s => s.ListByProfileAsync(key!)));
            inputs.Add(new($"FindActiveByServerInstance {name}", s => s.FindActiveByServerInstanceAsync(key!)));
            inputs.Add(new($"Revoke by {name}", s => s.RevokeAsync(SessionId.New(), key!, "reason")));
        }

        var tooLongText = new string('t', 4_097);
        inputs.Add(new("Create with source identity of 4,097 bytes", s => s.CreateAsync(Valid() with { SourceIdentity = tooLongText })));
        inputs.Add(new("Create with null source identity", s => s.CreateAsync(Valid() with { SourceIdentity = null! })));
        inputs.Add(new("Update with source identity of 4,097 bytes", s => s.UpdateAsync(Valid() with { SourceIdentity = tooLongText, Version = 1 })));
        inputs.Add(new("Revoke for a reason of 4,097 bytes", s => s.RevokeAsync(SessionId.New(), "ops", tooLongText)));
        inputs.Add(new("Revoke for a null reason", s => s.RevokeAsync(SessionId.New(), "ops", null!)));
        inputs.Add(new("Revoke for a reason with an unpaired surrogate", s => s.RevokeAsync(SessionId.New(), "ops", new string('r', 2_000) + "\uD83D")));

        await ShouldRefuseAllAsync(inputs);
    }

    [Fact]
    public async Task Sessions_that_break_the_rules_are_refused_by_Create_and_Update_before_any_request()
    {
        var inputs = new List<BadInput>
        {
            new("Create null", s => s.CreateAsync(null!)),
            new("Update null", s => s.UpdateAsync(null!)),
        };
        var expiries = new (string Name, Func<ServerSession, DateTimeOffset> ExpiresAt)[]
        {
            ("ExpiresAt equal to StartedAt", s => s.StartedAt),
            ("ExpiresAt one tick before StartedAt", s => s.StartedAt.AddTicks(-1)),
            ("ExpiresAt a year before StartedAt", s => s.StartedAt.AddYears(-1)),
            ("ExpiresAt at DateTimeOffset.MinValue", _ => DateTimeOffset.MinValue),
            ("ExpiresAt equal to StartedAt given in another offset", s => s.StartedAt.ToOffset(TimeSpan.FromHours(-8))),
        };
        foreach (var (name, expiresAt) in expiries)
        {
            inputs.Add(new($"Create with {name}", s => s.CreateAsync(Valid() is var v ? v with { ExpiresAt = expiresAt(v) } : null!)));
            inputs.Add(new($"Update with {name}", s => s.UpdateAsync(Valid() is var v ? v with { ExpiresAt = expiresAt(v), Version = 1 } : null!)));
        }

        inputs.Add(new("Create Revoked", s => s.CreateAsync(Valid() with { Status = SessionStatus.Revoked, RevokedBy = "ops", RevokedReason = "x" })));
        inputs.Add(new("Create Revoked without a revoker", s => s.CreateAsync(Valid() with { Status = SessionStatus.Revoked })));
        inputs.Add(new("Create Expired", s => s.CreateAsync(Valid() with { Status = SessionStatus.Expired })));
        inputs.Add(new("Create with an undefined status", s => s.CreateAsync(Valid() with { Status = (SessionStatus)42 })));
        inputs.Add(new("Update to an undefined status", s => s.UpdateAsync(Valid() with { Status = (SessionStatus)(-1), Version = 1 })));
        inputs.Add(new("Create Active with a revoker", s => s.CreateAsync(Valid() with { RevokedBy = "ops" })));
        inputs.Add(new("Create Active with a revocation reason", s => s.CreateAsync(Valid() with { RevokedReason = "x" })));
        inputs.Add(new("Update to Active with a revoker", s => s.UpdateAsync(Valid() with { RevokedBy = "ops", Version = 1 })));
        inputs.Add(new("Create with a negative request count", s => s.CreateAsync(Valid() with { RequestCount = -1 })));
        inputs.Add(new("Create with request count long.MinValue", s => s.CreateAsync(Valid() with { RequestCount = long.MinValue })));
        inputs.Add(new("ListByStatus of an undefined status", s => s.ListByStatusAsync((SessionStatus)3)));
        inputs.Add(new("ListByTimeRange reversed by a tick", s => s.ListByTimeRangeAsync(s_now, s_now.AddTicks(-1))));
        inputs.Add(new("ListByTimeRange from MaxValue to MinValue", s => s.ListByTimeRangeAsync(DateTimeOffset.MaxValue, DateTimeOffset.MinValue)));

        await ShouldRefuseAllAsync(inputs);
    }

    [Fact]
    public async Task Malformed_altered_or_foreign_continuation_tokens_are_refused_by_every_list_before_any_request()
    {
        var user = $"user-{_tag}";
        var profile = $"profile-{_tag}";
        var (from, to) = (s_now.AddDays(-1), s_now);
        var lists = new (string Name, PageQuery Query, int Streams, Func<ISessionStore, PageRequest, Task> List)[]
        {
            ("ListByUser", PageQuery.ForUser(user), 1, (s, p) => s.ListByUserAsync(user, p)),
            ("ListByProfile", PageQuery.ForProfile(profile), 1, (s, p) => s.ListByProfileAsync(profile, p)),
            ("ListByStatus", PageQuery.ForStatus(SessionStatus.Active), 1, (s, p) => s.ListByStatusAsync(SessionStatus.Active, p)),
            ("ListByTimeRange", PageQuery.ForTimeRange(from, to), 3, (s, p) => s.ListByTimeRangeAsync(from, to, p)),
        };
        var foreign = new (string Name, string Token)[]
        {
            ("another user's", Token(PageQuery.ForUser($"other-{_tag}"), 1)),
            ("a profile list's of the same key", Token(PageQuery.ForProfile(user), 1)),
            ("a user list's of the same key", Token(PageQuery.ForUser(profile), 1)),
            ("the Revoked status list's", Token(PageQuery.ForStatus(SessionStatus.Revoked), 1)),
            ("the Expired status list's", Token(PageQuery.ForStatus(SessionStatus.Expired), 1)),
            ("another time range's", Token(PageQuery.ForTimeRange(from, to.AddTicks(1)), 3)),
        };

        var random = new Random(6);
        var inputs = new List<BadInput>();
        foreach (var (name, query, streams, list) in lists)
        {
            var valid = Token(query, streams);
            var bytes = Base64Url.DecodeFromChars(valid);
            var malformed = new List<(string, string)>
            {
                ("empty", string.Empty),
                ("whitespace", "   "),
                ("plain text", "not a token"),
                ("random base64url of 16 bytes", Base64Url.EncodeToString(RandomBytes(random, 16))),
                ("random base64url of 64 bytes", Base64Url.EncodeToString(RandomBytes(random, 64))),
                ("random base64url as long as a valid token", Base64Url.EncodeToString(RandomBytes(random, bytes.Length))),
                ("random standard base64 with padding", Convert.ToBase64String(RandomBytes(random, 31))),
                ("valid token with trailing data", valid + "AAAA"),
                ("valid token in upper case", valid.ToUpperInvariant()),
                ("truncated by 1 character", valid[..^1]),
                ("truncated by 4 characters", valid[..^4]),
                ("truncated to half", valid[..(valid.Length / 2)]),
                ("truncated to 1 character", valid[..1]),
                ("1 MB", s_megabyte),
                ("2,049 characters", new string('A', 2_049)),
            };
            for (var i = 0; i < bytes.Length; i++)
            {
                var flipped = (byte[])bytes.Clone();
                flipped[i] ^= (byte)(1 << (i % 8));
                malformed.Add(($"bit {i % 8} of byte {i} flipped", Base64Url.EncodeToString(flipped)));
            }

            foreach (var (other, token) in foreign)
            {
                if (token != valid)
                {
                    malformed.Add(($"{other} token", token));
                }
            }

            foreach (var (what, token) in malformed)
            {
                inputs.Add(new($"{name} with a token: {what}", s => list(s, new PageRequest(10, token))));
            }
        }

        await ShouldRefuseAllAsync(inputs);
    }

    [Theory]
    [InlineData(-1, 100)]
    [InlineData(0, 100)]
    [InlineData(int.MinValue, 100)]
    [InlineData(1_001, 1_000)]
    [InlineData(int.MaxValue, 1_000)]
    [InlineData(1, 1)]
    [InlineData(1_000, 1_000)]
    public async Task Page_limits_are_brought_into_1_to_1000_before_the_query_is_sent(int limit, int sent)
    {
        var session = await _dynamo.CreateAsync(Valid());
        var page = new PageRequest(limit);
        page.EffectiveLimit.Should().Be(sent);
        var attempts = _recorder.Attempts.Count;

        foreach (var store in new ISessionStore[] { _memory, _dynamo })
        {
            await store.ListByUserAsync(session.User, page);
            await store.ListByProfileAsync(session.Profile, page);
            await store.ListByStatusAsync(SessionStatus.Revoked, page);
            await store.ListByTimeRangeAsync(session.CreatedAt, session.CreatedAt.AddTicks(1), page);
        }

        var queries = _recorder.Attempts.Skip(attempts).Where(a => a.Operation == "Query").ToList();
        queries.Should().HaveCount(6, "one query per list, three for the time range");
        queries.Select(q => JsonNode.Parse(q.Body)!["Limit"]!.GetValue<int>()).Should().AllBeEquivalentTo(sent);
        output.WriteLine($"bad inputs tried: page limit {limit}: 8 calls");
    }

    private async Task ShouldRefuseAllAsync(IReadOnlyList<BadInput> inputs)
    {
        var problems = new List<string>();
        _wire.Reset();
        foreach (var input in inputs)
        {
            foreach (var store in new ISessionStore[] { _memory, _dynamo })
            {
                var before = _wire.Total;
                var error = await Record.ExceptionAsync(() => input.Call(store));
                if (error is not ArgumentException { ParamName.Length: > 0 })
                {
                    problems.Add($"{store.GetType().Name}, {input.Name}: {error?.GetType().Name ?? "no error"} {error?.Message}");
                }

                if (_wire.Total != before)
                {
                    problems.Add($"{store.GetType().Name}, {input.Name}: {_wire.Total - before} requests sent");
                }
            }
        }

        problems.Should().BeEmpty(string.Join(Environment.NewLine, problems));
        _wire.Total.Should().Be(0);
        _memory.Count.Should().Be(0);
        output.WriteLine($"bad inputs tried: {inputs.Count} on each store");
    }

    private ServerSession Valid() =>
        ServerSession.Start($"user-{_tag}", $"profile-{_tag}", $"instance-{_tag}", "svc", TimeSpan.FromHours(1), _time.GetUtcNow());

    private static string Token(PageQuery query, int streams) =>
        PageToken.Encode(query, Enumerable.Repeat(PageCursor.After(SessionTimestamp.Format(s_now.AddMinutes(-5)), SessionId.New()), streams).ToArray());

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}

public sealed class BadInputTestsOnDynalite(DynaliteFixture server, ITestOutputHelper output) : BadInputTests(server, output), IClassFixture<DynaliteFixture>;

public sealed class BadInputTestsOnDynamoDbLocal(DynamoDbLocalFixture server, ITestOutputHelper output) : BadInputTests(server, output), IClassFixture<DynamoDbLocalFixture>;
