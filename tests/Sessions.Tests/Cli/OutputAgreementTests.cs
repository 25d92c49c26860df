using System.Text.Json;

namespace Sessions.Tests.Cli;

/// <summary>
/// JSON and CSV show a session the same way: every time in the library's stored form (UTC, seven fractional digits,
/// <c>Z</c>), and an unset or empty optional text as absent (JSON <c>null</c>, an empty CSV cell).
/// </summary>
public sealed class OutputAgreementTests
{
    private const string Table = CliHarness.Table;
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task Times_are_the_stored_form_in_UTC_with_Z_in_JSON_and_CSV_alike_whatever_the_offset_they_were_made_with()
    {
        var startedAt = new DateTimeOffset(2026, 1, 20, 4, 0, 0, TimeSpan.FromHours(2)).AddTicks(1);
        var session = await _cli.Store.CreateAsync(ServerSession.Start("alice", "prod", "i-1", "role/deploy", TimeSpan.FromMinutes(90), startedAt));

        var json = (await _cli.RunAsync("show", session.Id, "--table", Table, "--json")).Json();
        var csv = CsvRecord(await _cli.RunAsync("show", session.Id, "--table", Table, "--output", "csv"));

        json.GetProperty("startedAt").GetString().Should().Be("2026-01-20T02:00:00.0000001Z");
        json.GetProperty("expiresAt").GetString().Should().Be("2026-01-20T03:30:00.0000001Z");
        foreach (var (property, column) in new[] { ("startedAt", "started_at"), ("lastAccessAt", "last_access_at"), ("expiresAt", "expires_at"), ("createdAt", "created_at"), ("updatedAt", "updated_at") })
        {
            json.GetProperty(property).GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$", property).And.Be(csv[column], property);
        }
    }

    [Fact]
    public async Task Absent_values_are_null_in_JSON_and_empty_in_CSV_whether_unset_or_empty()
    {
        var active = await _cli.Store.CreateAsync(ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), _cli.Time.GetUtcNow()));
        var revoked = await _cli.CreateAsync(user: "alice");
        await _cli.Store.RevokeAsync(revoked.Id, "ops", string.Empty);

        var list = await _cli.RunAsync("list", "--user", "alice", "--table", Table, "--json");
        var csv = await _cli.RunAsync("list", "--user", "alice", "--table", Table, "--output", "csv");

        list.ExitCode.Should().Be(0, list.ToString());
        var items = list.Json().GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetString()!);
        items[active.Id].GetProperty("sourceIdentity").ValueKind.Should().Be(JsonValueKind.Null, "an empty source identity is absent");
        items[active.Id].GetProperty("revokedBy").ValueKind.Should().Be(JsonValueKind.Null);
        items[active.Id].GetProperty("revokedReason").ValueKind.Should().Be(JsonValueKind.Null);
        items[revoked.Id].GetProperty("sourceIdentity").GetString().Should().Be("role/deploy");
        items[revoked.Id].GetProperty("revokedBy").GetString().Should().Be("ops");
        items[revoked.Id].GetProperty("revokedReason").ValueKind.Should().Be(JsonValueKind.Null, "a revocation without a reason has none");

        var rows = csv.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(',')).ToList();
        var header = rows[0].ToList();
        var byId = rows.Skip(1).ToDictionary(r => r[0]);
        byId[active.Id][header.IndexOf("source_identity")].Should().BeEmpty();
        byId[active.Id][header.IndexOf("revoked_by")].Should().BeEmpty();
        byId[active.Id][header.IndexOf("revoked_reason")].Should().BeEmpty();
        byId[revoked.Id][header.IndexOf("revoked_by")].Should().Be("ops");
        byId[revoked.Id][header.IndexOf("revoked_reason")].Should().BeEmpty();
    }

    [Fact]
    public async Task Revoke_json_uses_the_same_forms()
    {
        var session = await _cli.Store.CreateAsync(ServerSession.Start("alice", "prod", "i-1", string.Empty, TimeSpan.FromHours(1), _cli.Time.GetUtcNow()));

        var result = await _cli.RunAsync("revoke", session.Id, "--by", "ops", "--table", Table, "--json");

        result.ExitCode.Should().Be(0, result.ToString());
        var json = result.Json();
        json.GetProperty("revokedReason").ValueKind.Should().Be(JsonValueKind.Null);
        json.GetProperty("sourceIdentity").ValueKind.Should().Be(JsonValueKind.Null);
        json.GetProperty("updatedAt").GetString().Should().Be("2026-01-20T02:00:00.0000000Z");
    }

    private static Dictionary<string, string> CsvRecord(CliResult result)
    {
        result.ExitCode.Should().Be(0, result.ToString());
        var lines = result.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2, "a header and one plain record");
        return lines[0].Split(',').Zip(lines[1].Split(',')).ToDictionary(p => p.First, p => p.Second);
    }
}
