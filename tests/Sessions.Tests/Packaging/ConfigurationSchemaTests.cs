using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sessions.Hosting;

namespace Sessions.Tests.Packaging;

/// <summary>
/// The ConfigurationSchema.json each library package ships describes exactly the settings its options bind, with the
/// bounds start-up validation enforces, so an editor's completion and checks agree with the library.
/// </summary>
public sealed class ConfigurationSchemaTests
{
    [Theory]
    [InlineData("src/Sessions/ConfigurationSchema.json", "Sessions", typeof(DynamoDbSessionStoreOptions))]
    [InlineData("src/Sessions.Hosting/ConfigurationSchema.json", "SessionSweeper", typeof(SessionExpirySweeperOptions))]
    public void The_schema_describes_every_setting_of_the_options_it_names_and_no_other(string path, string section, Type options)
    {
        var settings = Section(path, section)["properties"]!.AsObject();

        var bound = options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name);
        settings.Select(p => p.Key).Should().BeEquivalentTo(bound);
        settings.Should().OnlyContain(p => !string.IsNullOrWhiteSpace((string?)p.Value!["description"]));
    }

    [Theory]
    [InlineData("src/Sessions/ConfigurationSchema.json", "Sessions", "Retention")]
    [InlineData("src/Sessions.Hosting/ConfigurationSchema.json", "SessionSweeper", "Interval")]
    [InlineData("src/Sessions.Hosting/ConfigurationSchema.json", "SessionSweeper", "MaxStartDelay")]
    [InlineData("src/Sessions.Hosting/ConfigurationSchema.json", "SessionSweeper", "LeaseDuration")]
    [InlineData("src/Sessions.Hosting/ConfigurationSchema.json", "SessionSweeper", "MaxClockSkew")]
    public void A_duration_setting_accepts_what_the_binder_reads_as_a_TimeSpan(string path, string section, string setting)
    {
        var pattern = new Regex((string)Section(path, section)["properties"]![setting]!["pattern"]!);

        foreach (var value in new[] { "01:00:00", "00:00:30", "1.00:00:00", "36500.00:00:00", "00:00:00.5", "90" })
        {
            TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThanOrEqualTo(TimeSpan.Zero);
            pattern.IsMatch(value).Should().BeTrue($"{value} is a TimeSpan the binder reads");
        }

        pattern.IsMatch("one hour").Should().BeFalse();
        pattern.IsMatch("PT1H").Should().BeFalse("the binder does not read ISO 8601 durations");
    }

    [Theory]
    [InlineData("eu-west-1", true)]
    [InlineData("us-gov-west-1", true)]
    [InlineData("eusc-de-east-1", true)]
    [InlineData("EU-WEST-1", false)]
    [InlineData("eu-west", false)]
    [InlineData("eu-west-100", false)]
    public void The_region_pattern_agrees_with_start_up_validation(string region, bool valid)
    {
        var pattern = new Regex((string)Section("src/Sessions/ConfigurationSchema.json", "Sessions")["properties"]!["Region"]!["pattern"]!);

        pattern.IsMatch(region).Should().Be(valid);
        DynamoDbSessionStoreOptions.IsRegionName(region).Should().Be(valid);
    }

    [Fact]
    public void The_table_name_is_required_as_start_up_validation_requires_it()
    {
        var section = Section("src/Sessions/ConfigurationSchema.json", "Sessions");

        section["required"]!.AsArray().Select(n => (string?)n).Should().Equal("TableName");
        new DynamoDbSessionStoreOptions().Validate().Should().ContainSingle().Which.Should().StartWith("TableName:");
    }

    private static JsonNode Section(string path, string section)
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(LocalServerProcess.FindRepositoryRoot(), path)))!;
        return schema["properties"]![section]!;
    }
}
