namespace Sessions.Tests.Cli;

/// <summary>Every bad command line exits 2 with one line on standard error naming the option, and opens no store.</summary>
public sealed class CommandLineValidationTests
{
    private const string Table = CliHarness.Table;
    private readonly CliHarness _cli = new();

    [Theory]
    [InlineData("--since", "999999999d", "reaches back before the year 1")]
    [InlineData("--since", "3000000d", "reaches back before the year 1")]
    [InlineData("--until", "9223372036854775807s", "reaches back before the year 1")]
    [InlineData("--since", "99999999999999999999d", "is not a time")]
    [InlineData("--since", "10000-01-01", "is not a time")]
    public async Task An_age_or_date_out_of_range_exits_2_with_one_line(string option, string value, string message)
    {
        var result = await _cli.RunAsync("list", "--table", Table, option, value);

        AssertUsageError(result, option, message);
        _cli.Connections.Should().BeEmpty("a bad command line opens no store");
    }

    [Theory]
    [InlineData("eu-west-1,us-east-1", null, null, "--region: is required with --global-table-regions")]
    [InlineData("eu-west-1,us-east-1", "ap-south-1", null, "--region: must be one of --global-table-regions")]
    [InlineData("eu-west-1,Europe", "eu-west-1", null, "each must be an AWS region name")]
    [InlineData("eu-west-1,eu-west-1", "eu-west-1", null, "twice")]
    [InlineData("eu-west-1,us-east-1", "eu-west-1", "http://localhost:8000", "--endpoint: names one server")]
    public async Task Global_table_regions_that_cannot_work_exit_2_with_one_line(string regions, string? region, string? endpoint, string message)
    {
        string[] arguments = ["revoke", "0123456789abcdef", "--by", "ops", "--table", Table, "--global-table-regions", regions];
        arguments = [.. arguments, .. region is null ? Array.Empty<string>() : ["--region", region], .. endpoint is null ? Array.Empty<string>() : ["--endpoint", endpoint]];

        var result = await _cli.RunAsync(arguments);

        AssertUsageError(result, "--global-table-regions", message);
        _cli.Connections.Should().BeEmpty("a bad command line opens no store");
    }

    [Fact]
    public async Task The_oldest_representable_age_still_lists()
    {
        await _cli.CreateAsync();

        var result = await _cli.RunAsync("list", "--table", Table, "--since", "700000d", "--json");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Json().GetProperty("items").GetArrayLength().Should().Be(1);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("ab")]
    [InlineData("sessions/prod")]
    [InlineData("sessions\u001b[8m")]
    [InlineData("")]
    public async Task An_invalid_table_name_exits_2_on_every_command(string table)
    {
        string[][] commands =
        [
            ["list"],
            ["show", "0123456789abcdef"],
            ["revoke", "0123456789abcdef", "--by", "ops"],
            ["revoke-user", "alice", "--by", "ops"],
            ["expire-stale"],
            ["table", "create"],
            ["table", "describe"],
            ["demo"],
        ];

        foreach (var command in commands)
        {
            var result = await _cli.RunAsync([.. command, "--table", table]);

            AssertUsageError(result, "--table", "table name");
        }

        _cli.Connections.Should().BeEmpty();
    }

    [Fact]
    public async Task A_table_name_of_256_characters_exits_2_and_one_of_255_is_used()
    {
        AssertUsageError(await _cli.RunAsync("list", "--table", new string('t', 256)), "--table", "3 to 255 characters");

        var longest = await _cli.RunAsync("list", "--table", new string('t', 255));
        longest.ExitCode.Should().Be(0, longest.ToString());
    }

    [Theory]
    [InlineData("localhost:8000")]
    [InlineData("ftp://localhost:8000")]
    [InlineData("file:///tmp/dynamodb")]
    [InlineData("/relative/path")]
    [InlineData("http://")]
    [InlineData("http://localhost:99999")]
    public async Task An_unusable_endpoint_exits_2(string endpoint)
    {
        var result = await _cli.RunAsync("list", "--table", Table, "--endpoint", endpoint);

        AssertUsageError(result, "--endpoint", "absolute http or https URL");
        _cli.Connections.Should().BeEmpty();
    }

    [Theory]
    [InlineData("http://localhost:8000")]
    [InlineData("https://dynamodb.eu-west-1.amazonaws.com")]
    public async Task An_http_or_https_endpoint_is_used(string endpoint)
    {
        var result = await _cli.RunAsync("list", "--table", Table, "--endpoint", endpoint);

        result.ExitCode.Should().Be(0, result.ToString());
        _cli.Connections.Should().ContainSingle().Which.Endpoint.Should().Be(new Uri(endpoint));
    }

    private static void AssertUsageError(CliResult result, string option, string message)
    {
        result.ExitCode.Should().Be(2, result.ToString());
        result.Out.Should().BeEmpty();
        result.Error.Should().StartWith("error: ").And.EndWith("\n").And.Contain(option).And.Contain(message);
        result.Error.TrimEnd('\n').Should().NotContainAny("\n", "\r", "\u001b").And.NotContain("   at ", "no stack trace");
    }
}
