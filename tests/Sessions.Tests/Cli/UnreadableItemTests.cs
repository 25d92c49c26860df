using System.Text.Json;
using Moq;

namespace Sessions.Tests.Cli;

/// <summary>
/// <c>sessions list</c> meets items the store cannot read (<see cref="SessionPage.Unreadable"/>): every filter, one page
/// or <c>--all</c>, every output form prints the sessions it could read, names each unreadable item on standard error
/// (its id escaped, the attribute and the reason, one line each) and exits 4. The store here is a narrow mock that
/// answers two pages; the same through the DynamoDB store and raw corrupt items is in <see cref="DynamoDbCommandTests"/>.
/// </summary>
public sealed class UnreadableItemTests
{
    private const string Table = CliHarness.Table;
    private const string HostileId = "bad\n\u001b[2Jid\u200b";
    private readonly CliHarness _cli = new();
    private readonly ServerSession _first;
    private readonly ServerSession _second;
    private readonly SessionCorruptException _spaceForT;
    private readonly SessionCorruptException _hostile;

    public UnreadableItemTests()
    {
        var now = _cli.Time.GetUtcNow();
        _first = ServerSession.Start("alice", "prod", "i-1", "role/a", TimeSpan.FromHours(1), now.AddMinutes(-1));
        _second = ServerSession.Start("alice", "prod", "i-2", "role/a", TimeSpan.FromHours(1), now.AddMinutes(-2));
        var id = SessionId.New();
        _spaceForT = new SessionCorruptException(id, "started_at", $"Stored session '{id}' is corrupt: attribute 'started_at' is not an RFC 3339 time: '2026-01-20 01:59:00.0000000Z'. (table '{Table}')", "BatchGet", Table);
        _hostile = new SessionCorruptException(HostileId, "request_count", $"Stored session '{HostileId}' is corrupt: attribute 'request_count' is not a number. (table '{Table}')", "BatchGet", Table);
    }

    public static TheoryData<string[], string, bool> Lists()
    {
        var data = new TheoryData<string[], string, bool>();
        string[][] filters = [[], ["--status", "revoked"], ["--user", "alice"], ["--session-profile", "prod"], ["--since", "2h"], ["--until", "1h"], ["--since", "2h", "--until", "1m"]];
        foreach (var filter in filters)
        {
            foreach (var output in new[] { "human", "json", "csv" })
            {
                data.Add(filter, output, false);
                data.Add(filter, output, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task List_prints_the_sessions_it_read_names_each_unreadable_item_on_stderr_and_exits_4(string[] filter, string output, bool all)
    {
        _cli.StoreOverride = TwoPages().Object;

        var result = await _cli.RunAsync(["list", "--table", Table, .. filter, "--output", output, .. all ? new[] { "--all" } : []]);

        result.ExitCode.Should().Be(4, result.ToString());
        var shown = all ? new[] { _first, _second } : [_first];
        var unreadable = all ? new[] { _spaceForT, _hostile } : [_spaceForT];
        foreach (var session in shown)
        {
            result.Out.Should().Contain(session.Id);
        }

        result.Out.Should().NotContain(_spaceForT.SessionId!, "standard output holds the sessions only").And.NotContain("[2Jid");
        var errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line.StartsWith("error:", StringComparison.Ordinal)).ToList();
        errors.Should().Equal(unreadable.Select(Line), "one line per unreadable item, in the order met");
        result.Error.Should().NotContainAny("\u001b", "\u200b", "\r");
        result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(unreadable.Length + (all || output != "csv" ? 0 : 1), "and the --next hint of CSV");

        switch (output)
        {
            case "json":
                result.Json().GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).Should().Equal(shown.Select(s => s.Id));
                break;
            case "csv":
                result.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(1 + shown.Length);
                break;
            default:
                result.Out.Should().Contain($"{(all ? "2 items" : "1 item")} could not be read: {(all ? "they are" : "it is")} named on standard error.");
                break;
        }
    }

    [Fact]
    public async Task An_unreadable_item_whose_id_is_unreadable_too_is_named_no_id()
    {
        var store = new Mock<ISessionStore>(MockBehavior.Strict);
        store.Setup(s => s.ListByStatusAsync(SessionStatus.Active, It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new SessionPage([_first], null) { Unreadable = [new SessionCorruptException(null, "id", "Stored session '(no id)' is corrupt: attribute 'id' is missing or not a string.")] });
        _cli.StoreOverride = store.Object;

        var result = await _cli.RunAsync("list", "--table", Table);

        result.ExitCode.Should().Be(4, result.ToString());
        result.Error.Should().Be("error: cannot read item (no id) (attribute 'id'): Stored session '(no id)' is corrupt: attribute 'id' is missing or not a string.\n");
    }

    [Theory]
    [InlineData("human")]
    [InlineData("json")]
    [InlineData("csv")]
    public async Task On_the_in_memory_store_which_reads_every_item_list_exits_0_with_nothing_on_stderr(string output)
    {
        var session = await _cli.CreateAsync();

        foreach (var filter in new[] { Array.Empty<string>(), ["--user", "alice"], ["--session-profile", "prod-deploy"], ["--since", "1h"], ["--all"] })
        {
            var result = await _cli.RunAsync(["list", "--table", Table, "--output", output, .. filter]);

            result.ExitCode.Should().Be(0, result.ToString());
            result.Error.Should().BeEmpty();
            result.Out.Should().Contain(session.Id).And.NotContain("could not be read");
        }
    }

    private static string Line(SessionCorruptException item) => item.SessionId == HostileId
        ? @"error: cannot read item 'bad\n\e[2Jid\u200b' (attribute 'request_count'): Stored session 'bad\n\e[2Jid\u200b' is corrupt: attribute 'request_count' is not a number. (table 'sessions-cli-test')"
        : $"error: cannot read item '{item.SessionId}' (attribute 'started_at'): Stored session '{item.SessionId}' is corrupt: attribute 'started_at' is not an RFC 3339 time: '2026-01-20 01:59:00.0000000Z'. (table 'sessions-cli-test')";

    /// <summary>A store whose every list answers two pages: one session and one unreadable item each.</summary>
    private Mock<ISessionStore> TwoPages()
    {
        var store = new Mock<ISessionStore>(MockBehavior.Strict);
        SessionPage Page(PageRequest? page) => page?.ContinuationToken is null
            ? new SessionPage([_first], "page-2") { Unreadable = [_spaceForT] }
            : new SessionPage([_second], null) { Unreadable = [_hostile] };
        store.Setup(s => s.ListByStatusAsync(It.IsAny<SessionStatus>(), It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((SessionStatus _, PageRequest? page, CancellationToken _) => Page(page));
        store.Setup(s => s.ListByUserAsync(It.IsAny<string>(), It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, PageRequest? page, CancellationToken _) => Page(page));
        store.Setup(s => s.ListByProfileAsync(It.IsAny<string>(), It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, PageRequest? page, CancellationToken _) => Page(page));
        store.Setup(s => s.ListByTimeRangeAsync(It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((DateTimeOffset _, DateTimeOffset _, PageRequest? page, CancellationToken _) => Page(page));
        return store;
    }
}
