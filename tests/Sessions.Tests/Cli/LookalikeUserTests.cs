using Moq;
using Sessions.Cli.Lookalikes;

namespace Sessions.Tests.Cli;

/// <summary>
/// <c>revoke-user USER</c> and <c>list --user USER</c> act on exactly USER and warn, on standard error and escaped, about
/// the active sessions of users that differ from it only by invisible characters: <c>alice</c> + U+200B and
/// <c>alice</c> + U+E0041 read as <c>alice</c> on most screens, and <c>revoke-user alice</c> leaves them serving.
/// </summary>
public sealed class LookalikeUserTests
{
    private const string Table = CliHarness.Table;
    private const string ZeroWidth = "alice\u200b";
    private const string Tagged = "alice\U000E0041";
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task Revoke_user_revokes_only_the_exact_user_and_names_the_two_lookalike_users_and_sessions_it_left_active()
    {
        var alice = await _cli.CreateAsync(user: "alice");
        var zeroWidth = await _cli.CreateAsync(user: ZeroWidth);
        var tagged = await _cli.CreateAsync(user: Tagged);
        var tagged2 = await _cli.CreateAsync(user: Tagged);
        var bob = await _cli.CreateAsync(user: "bob");

        var result = await _cli.RunAsync("revoke-user", "alice", "--by", "ops", "--reason", "offboarding", "--table", Table);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Be("Revoked 1 active session of user 'alice'. Skipped 0 (changed meanwhile); failed 0.\n");
        result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().BeEquivalentTo(
            $@"warning: user 'alice\U000e0041' looks like 'alice' (they differ only by invisible characters): its active sessions {tagged2.Id}, {tagged.Id} are not revoked",
            $@"warning: user 'alice\u200b' looks like 'alice' (they differ only by invisible characters): its active session {zeroWidth.Id} is not revoked");
        result.Error.Should().NotContainAny("\u200b", "\U000E0041");
        (await _cli.Store.GetAsync(alice.Id)).Status.Should().Be(SessionStatus.Revoked);
        foreach (var session in new[] { zeroWidth, tagged, tagged2, bob })
        {
            (await _cli.Store.GetAsync(session.Id)).Status.Should().Be(SessionStatus.Active, "only the exact user is revoked");
        }
    }

    [Fact]
    public async Task Revoke_user_of_a_user_holding_an_invisible_character_names_the_plain_one_as_its_lookalike()
    {
        var alice = await _cli.CreateAsync(user: "alice");
        var zeroWidth = await _cli.CreateAsync(user: ZeroWidth);

        var result = await _cli.RunAsync("revoke-user", ZeroWidth, "--by", "ops", "--table", Table, "--json");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Json().GetProperty("count").GetInt32().Should().Be(1);
        result.Error.Should().Be($@"warning: user 'alice' looks like 'alice\u200b' (they differ only by invisible characters): its active session {alice.Id} is not revoked" + "\n");
        (await _cli.Store.GetAsync(zeroWidth.Id)).Status.Should().Be(SessionStatus.Revoked);
    }

    [Theory]
    [InlineData("human")]
    [InlineData("json")]
    [InlineData("csv")]
    public async Task List_by_user_lists_only_the_exact_user_and_warns_on_stderr_about_the_lookalikes(string output)
    {
        var alice = await _cli.CreateAsync(user: "alice");
        var zeroWidth = await _cli.CreateAsync(user: ZeroWidth);
        var hidden = await _cli.CreateAsync(user: "\ufeffal\u00adice\n");

        var result = await _cli.RunAsync("list", "--user", "alice", "--table", Table, "--output", output);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain(alice.Id).And.NotContain(zeroWidth.Id).And.NotContain(hidden.Id);
        result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().BeEquivalentTo(
            $@"warning: user 'alice\u200b' looks like 'alice' (they differ only by invisible characters): its active session {zeroWidth.Id} is not listed",
            $@"warning: user '\ufeffal\u00adice\n' looks like 'alice' (they differ only by invisible characters): its active session {hidden.Id} is not listed");
    }

    [Fact]
    public async Task Sessions_that_cannot_serve_and_users_that_differ_visibly_are_not_lookalikes()
    {
        await _cli.CreateAsync(user: "alice");
        var revoked = await _cli.CreateAsync(user: ZeroWidth);
        await _cli.Store.RevokeAsync(revoked.Id, "ops", "done");
        await _cli.CreateAsync(user: Tagged, duration: TimeSpan.FromMinutes(1));
        await _cli.CreateAsync(user: "Alice");
        await _cli.CreateAsync(user: "alice ");
        await _cli.CreateAsync(user: "\u0430lice");
        _cli.Time.Advance(TimeSpan.FromMinutes(2));

        var result = await _cli.RunAsync("revoke-user", "alice", "--by", "ops", "--table", Table);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Error.Should().BeEmpty("a revoked or expired lookalike cannot serve; case, a space or a Cyrillic а are visible differences, not invisible ones");
    }

    [Fact]
    public async Task Lookalikes_0_skips_the_check()
    {
        await _cli.CreateAsync(user: "alice");
        await _cli.CreateAsync(user: ZeroWidth);

        var result = await _cli.RunAsync("revoke-user", "alice", "--by", "ops", "--table", Table, "--lookalikes", "0");
        var list = await _cli.RunAsync("list", "--user", "alice", "--table", Table, "--lookalikes", "0");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Error.Should().BeEmpty();
        list.Error.Should().BeEmpty();
    }

    [Fact]
    public async Task A_bounded_search_says_how_many_sessions_it_compared_when_more_remain()
    {
        var old = await _cli.CreateAsync(user: ZeroWidth);
        for (var i = 0; i < 3; i++)
        {
            await _cli.CreateAsync(user: $"user-{i}");
        }

        var bounded = await _cli.RunAsync("list", "--user", "alice", "--table", Table, "--lookalikes", "3");
        var enough = await _cli.RunAsync("list", "--user", "alice", "--table", Table, "--lookalikes", "4");

        bounded.ExitCode.Should().Be(0, bounded.ToString());
        bounded.Error.Should().Be("warning: compared 'alice' with the newest 3 active sessions only, not all: --lookalikes N compares more (0 skips the check)\n");
        enough.Error.Should().Contain(old.Id).And.NotContain("compared");
    }

    [Fact]
    public async Task The_search_reads_the_active_sessions_in_pages_of_at_most_1000_up_to_its_bound()
    {
        var store = new Mock<ISessionStore>(MockBehavior.Strict);
        var limits = new List<int>();
        var lookalike = ServerSession.Start(ZeroWidth, "p", "i", string.Empty, TimeSpan.FromHours(1), _cli.Time.GetUtcNow());
        store.Setup(s => s.ListByStatusAsync(SessionStatus.Active, It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((SessionStatus _, PageRequest? page, CancellationToken _) =>
            {
                limits.Add(page!.Limit);
                var items = Enumerable.Range(0, page.Limit)
                    .Select(i => limits.Count == 2 && i == 7 ? lookalike : ServerSession.Start($"user-{i}", "p", "i", string.Empty, TimeSpan.FromHours(1), _cli.Time.GetUtcNow()))
                    .ToList();
                return new SessionPage(items, "more");
            });

        var report = await LookalikeUsers.FindAsync(store.Object, "alice", 2_500, _cli.Time.GetUtcNow(), CancellationToken.None);

        limits.Should().Equal(1_000, 1_000, 500);
        report.Compared.Should().Be(2_500);
        report.Complete.Should().BeFalse();
        report.Sessions.Should().Equal(lookalike);
    }

    [Fact]
    public async Task A_store_failure_of_the_check_is_a_warning_after_the_revocation_and_keeps_the_exit_code()
    {
        var alice = await _cli.CreateAsync(user: "alice");
        var store = new Mock<ISessionStore>(MockBehavior.Strict);
        store.Setup(s => s.ListByUserAsync("alice", It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .Returns((string user, PageRequest? page, CancellationToken ct) => _cli.Store.ListByUserAsync(user, page, ct));
        store.Setup(s => s.RevokeAsync(alice.Id, "ops", string.Empty, It.IsAny<CancellationToken>()))
            .Returns((string id, string by, string reason, CancellationToken ct) => _cli.Store.RevokeAsync(id, by, reason, ct));
        store.Setup(s => s.ListByStatusAsync(SessionStatus.Active, It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SessionStoreException("Rate exceeded.\n\u001b[2J", null, "ListByStatus", Table, null));
        _cli.StoreOverride = store.Object;

        var result = await _cli.RunAsync("revoke-user", "alice", "--by", "ops", "--table", Table);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().StartWith("Revoked 1 active session of user 'alice'.");
        result.Error.Should().Be($@"warning: could not look for users that look like 'alice': ListByStatus failed on table '{Table}': Rate exceeded.\n\e[2J" + "\n");
        (await _cli.Store.GetAsync(alice.Id)).Status.Should().Be(SessionStatus.Revoked);
    }

    [Fact]
    public async Task The_check_shows_progress_on_a_terminal_only_on_standard_error()
    {
        await _cli.CreateAsync(user: "alice");

        var result = await _cli.RunAsync(terminal: true, "revoke-user", "alice", "--by", "ops", "--table", Table, "--json");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Error.Should().Contain("looking for users that look like 'alice'");
        result.Json().GetProperty("count").GetInt32().Should().Be(1);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1000001")]
    [InlineData("many")]
    public async Task A_bad_lookalikes_bound_exits_2(string bound)
    {
        var result = await _cli.RunAsync("revoke-user", "alice", "--by", "ops", "--table", Table, "--lookalikes", bound);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().StartWith("error: --lookalikes must be a number of sessions from 0 to 1000000");
        _cli.Connections.Should().BeEmpty();
    }
}
