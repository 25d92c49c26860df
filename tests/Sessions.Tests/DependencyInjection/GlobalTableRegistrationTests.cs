using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;

namespace Sessions.Tests.DependencyInjection;

/// <summary>
/// <see cref="DynamoDbSessionStoreOptions.GlobalTableRegions"/>: the container builds a store with home Regions on the
/// registered client and a client of each other Region; settings that cannot work stop the start, naming the setting.
/// </summary>
public sealed class GlobalTableRegistrationTests
{
    private static readonly ServiceProviderOptions Strict = new() { ValidateOnBuild = true, ValidateScopes = true };

    [Fact]
    public void The_container_homes_the_store_in_its_Region_and_builds_a_client_of_each_other_Region()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sessions:TableName"] = "sessions",
            ["Sessions:Region"] = "eu-west-1",
            ["Sessions:GlobalTableRegions:0"] = "us-east-1",
            ["Sessions:GlobalTableRegions:1"] = "eu-west-1",
            ["Sessions:GlobalTableRegions:2"] = "ap-northeast-1",
        }).Build();
        using var provider = new ServiceCollection().AddSessionStore(configuration.GetSection("Sessions")).BuildServiceProvider(Strict);

        provider.GetRequiredService<IStartupValidator>().Validate();
        var store = provider.GetRequiredService<ISessionStore>().Should().BeOfType<DynamoDbSessionStore>().Subject;

        store.HomeRegion.Should().Be("eu-west-1");
        provider.GetRequiredService<IOptions<DynamoDbSessionStoreOptions>>().Value.GlobalTableRegions.Should().Equal("us-east-1", "eu-west-1", "ap-northeast-1");
    }

    [Fact]
    public void Without_GlobalTableRegions_the_store_has_no_home_Region()
    {
        using var provider = new ServiceCollection().AddSingleton(Mock.Of<IAmazonDynamoDB>()).AddSessionStore(o => o.TableName = "sessions").BuildServiceProvider(Strict);

        provider.GetRequiredService<DynamoDbSessionStore>().HomeRegion.Should().BeNull();
    }

    [Theory]
    [InlineData(null, new[] { "eu-west-1", "us-east-1" }, null, "Region: is required with GlobalTableRegions")]
    [InlineData("ap-south-1", new[] { "eu-west-1", "us-east-1" }, null, "Region: must be one of GlobalTableRegions")]
    [InlineData("eu-west-1", new[] { "eu-west-1", "eu-west-1" }, null, "names Region 'eu-west-1' twice")]
    [InlineData("eu-west-1", new[] { "eu-west-1", "Europe" }, null, "GlobalTableRegions: each must be an AWS region name")]
    [InlineData("eu-west-1", new[] { "eu-west-1", "us-east-1" }, "http://localhost:8000", "ServiceUrl: names one server")]
    public void Settings_that_cannot_work_stop_the_start_naming_the_setting(string? region, string[] regions, string? serviceUrl, string problem)
    {
        using var provider = new ServiceCollection()
            .AddSessionStore(o =>
            {
                o.TableName = "sessions";
                o.Region = region;
                o.GlobalTableRegions = regions;
                o.ServiceUrl = serviceUrl is null ? null : new Uri(serviceUrl);
            })
            .BuildServiceProvider(Strict);

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(problem);
    }

    [Fact]
    public void More_Regions_than_a_global_table_can_have_stop_the_start()
    {
        var options = new DynamoDbSessionStoreOptions
        {
            TableName = "sessions",
            Region = "eu-west-1",
            GlobalTableRegions = [.. Enumerable.Range(0, DynamoDbSessionStoreOptions.MaxGlobalTableRegions + 1).Select(i => $"eu-west-{i % 100}")],
        };

        FluentActions.Invoking(() => new DynamoDbSessionStore(Mock.Of<IAmazonDynamoDB>(), Options.Create(options)))
            .Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("at most 64 Regions");
    }

    [Fact]
    public void A_store_built_by_hand_needs_a_client_of_exactly_each_other_Region()
    {
        var options = Options.Create(new DynamoDbSessionStoreOptions { TableName = "sessions", Region = "eu-west-1", GlobalTableRegions = ["eu-west-1", "us-east-1"] });
        var client = Mock.Of<IAmazonDynamoDB>();

        FluentActions.Invoking(() => new DynamoDbSessionStore(client, options))
            .Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("needs a client of Region 'us-east-1'");
        FluentActions.Invoking(() => DynamoDbSessionStore.ForGlobalTable(client, new Dictionary<string, IAmazonDynamoDB> { ["us-east-1"] = client, ["ap-south-1"] = client }, options))
            .Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("'ap-south-1', which is not another Region of the list");
        DynamoDbSessionStore.ForGlobalTable(client, new Dictionary<string, IAmazonDynamoDB> { ["us-east-1"] = client }, options).HomeRegion.Should().Be("eu-west-1");
    }
}
