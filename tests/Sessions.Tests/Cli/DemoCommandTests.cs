using System.Globalization;
using System.Text.RegularExpressions;

namespace Sessions.Tests.Cli;

public sealed partial class DemoCommandTests
{
    private readonly CliHarness _cli = new();

    [Theory]
    [InlineData(40, 4)]
    [InlineData(2, 1)]
    [InlineData(2_000, 8)]
    public async Task Demo_completes_with_every_worker_stopped_by_the_revocation(int requests, int workers)
    {
        var result = await _cli.RunAsync("demo", "--requests", requests.ToString(CultureInfo.InvariantCulture), "--workers", workers.ToString(CultureInfo.InvariantCulture));

        result.ExitCode.Should().Be(0, result.ToString());
        result.Error.Should().BeEmpty();

        var rows = WorkerRow().Matches(result.Out);
        rows.Should().HaveCount(workers, result.Out);
        rows.Should().OnlyContain(r => r.Groups["stop"].Value == "SessionRevokedException", "every worker stops on its next Touch after the revocation");
        var servedByWorkers = rows.Sum(r => Number(r.Groups["served"].Value));

        var served = Number(ServedFigure().Match(result.Out).Groups["served"].Value);
        var recordCount = Number(FinalRequestCount().Match(result.Out).Groups["count"].Value);
        served.Should().Be(recordCount, "requests served must equal the stored RequestCount");
        served.Should().Be(servedByWorkers);
        served.Should().Be(requests / 2, "the operator revokes after half the requests");
        result.Out.Should().Contain($"| {requests.ToString("N0", CultureInfo.InvariantCulture)} request{(requests == 1 ? "" : "s")} sent |");
        var sent = Number(Figure("requests sent").Match(result.Out).Groups["n"].Value);
        var refused = Number(Figure("requests refused").Match(result.Out).Groups["n"].Value);
        var unserved = Number(Figure("requests left unserved").Match(result.Out).Groups["n"].Value);
        sent.Should().Be(requests);
        refused.Should().Be(workers, "each worker's next Touch is refused");
        (served + refused + unserved).Should().Be(sent, "the figures account for every request the header announces");

        result.Out.Should().MatchRegex(@"Final record\n  Session [0-9a-f]{16}\n    status\s+revoked");
        result.Out.Should().Contain("Active sessions while serving").And.Contain("FindActiveByServerInstance(");
        result.Out.Should().MatchRegex(@"Touch latency p50\s+\d").And.MatchRegex(@"Touch latency p99\s+\d").And.MatchRegex(@"touches per second\s+[\d,]+/s").And.MatchRegex(@"revoke to last worker stopped\s+\d");
        result.Out.Should().NotContain("\u001b", "redirected output has no escape codes");
    }

    [Fact]
    public async Task Demo_runs_on_the_embedded_store_and_opens_no_table()
    {
        var result = await _cli.RunAsync("demo", "--requests", "20", "--workers", "2");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain("store: in-memory (embedded)");
        _cli.Connections.Should().BeEmpty();
    }

    [Theory]
    [InlineData("--requests", "7", "--workers", "4")]
    [InlineData("--workers", "0")]
    [InlineData("--workers", "1000")]
    [InlineData("--requests", "-1")]
    public async Task Demo_with_a_bad_size_exits_2(params string[] options)
    {
        var result = await _cli.RunAsync(["demo", .. options]);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().StartWith("error: ");
    }

    [Fact]
    public async Task Demo_on_a_terminal_uses_styles()
    {
        var result = await _cli.RunAsync(terminal: true, "demo", "--requests", "20", "--workers", "2");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain("\u001b[1m");
    }

    private static Regex Figure(string name) => new($@"^  {name}\s+(?<n>[\d,]+)", RegexOptions.Multiline);

    private static long Number(string text) => long.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s+\d+\s+(?<served>[\d,]+)\s+(?<stop>\w+Exception|no more requests)\s+\S+ \S+$", RegexOptions.Multiline)]
    private static partial Regex WorkerRow();

    [GeneratedRegex(@"requests served\s+(?<served>[\d,]+) \(stored RequestCount: [\d,]+\)")]
    private static partial Regex ServedFigure();

    [GeneratedRegex(@"Final record\n(?:.*\n)*?\s+requests\s+(?<count>[\d,]+)\n")]
    private static partial Regex FinalRequestCount();
}
