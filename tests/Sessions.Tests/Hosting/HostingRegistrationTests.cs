using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sessions.Hosting;
using Sessions.Hosting.Leases;

namespace Sessions.Tests.Hosting;

/// <summary>What <c>AddSessionExpirySweeper</c> and the health check registration put in the container.</summary>
public sealed class HostingRegistrationTests
{
    [Fact]
    public void Registering_the_sweeper_twice_registers_one_hosted_service()
    {
        var services = new ServiceCollection().AddInMemorySessionStore();

        services.AddSessionExpirySweeper().AddSessionExpirySweeper(options => options.Interval = TimeSpan.FromMinutes(5));
        using var provider = services.BuildServiceProvider();

        provider.GetServices<IHostedService>().Should().ContainSingle().Which.Should().BeOfType<SessionExpirySweeper>();
        provider.GetRequiredService<IOptions<SessionExpirySweeperOptions>>().Value.Interval.Should().Be(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void The_in_memory_store_gets_its_in_process_lease()
    {
        using var provider = new ServiceCollection().AddInMemorySessionStore().AddSessionExpirySweeper().BuildServiceProvider();

        provider.GetRequiredService<ISweepLease>().Should().BeSameAs(InMemorySweepLease.For(provider.GetRequiredService<ISessionStore>()));
    }

    [Fact]
    public void The_DynamoDB_store_gets_the_lease_item_in_its_table()
    {
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), new AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:9", AuthenticationRegion = "us-east-1" });
        var services = new ServiceCollection().AddSingleton<IAmazonDynamoDB>(client).AddSessionStore(options => options.TableName = "sessions");
        using var provider = services.AddSessionExpirySweeper().BuildServiceProvider();

        provider.GetRequiredService<ISweepLease>().Should().BeOfType<DynamoDbSweepLease>();
    }

    [Fact]
    public void Options_bind_from_a_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sweeper:Interval"] = "00:05:00",
            ["Sweeper:MaxStartDelay"] = "00:00:10",
            ["Sweeper:MaxSessionsPerRun"] = "250",
            ["Sweeper:LeaseDuration"] = "00:10:00",
            ["Sweeper:InstanceName"] = "pod-7",
        }).Build();
        using var provider = new ServiceCollection().AddInMemorySessionStore().AddSessionExpirySweeper(configuration.GetSection("Sweeper")).BuildServiceProvider();

        provider.GetRequiredService<IOptions<SessionExpirySweeperOptions>>().Value.Should().BeEquivalentTo(new SessionExpirySweeperOptions
        {
            Interval = TimeSpan.FromMinutes(5),
            MaxStartDelay = TimeSpan.FromSeconds(10),
            MaxSessionsPerRun = 250,
            LeaseDuration = TimeSpan.FromMinutes(10),
            InstanceName = "pod-7",
        });
    }

    [Theory]
    [InlineData("Interval", "00:00:00")]
    [InlineData("MaxStartDelay", "-00:00:01")]
    [InlineData("MaxSessionsPerRun", "0")]
    [InlineData("LeaseDuration", "00:00:00.5")]
    [InlineData("InstanceName", "")]
    [InlineData("Interval", "2.00:00:00")]
    [InlineData("MaxStartDelay", "365.00:00:00")]
    [InlineData("LeaseDuration", "3000000.00:00:00")]
    [InlineData("MaxClockSkew", "00:00:01")]
    [InlineData("MaxClockSkew", "30.00:00:00")]
    [InlineData("MaxSessionsPerRun", "1000001")]
    [InlineData("InstanceName", "pod\u001b[2J")]
    [InlineData("InstanceName", "pod\u200b")]
    public void An_invalid_setting_fails_at_start_naming_the_setting(string setting, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [setting] = System.Text.RegularExpressions.Regex.Unescape(value) }).Build();
        using var provider = new ServiceCollection().AddInMemorySessionStore().AddSessionExpirySweeper(configuration).BuildServiceProvider();

        var read = () => provider.GetRequiredService<IOptions<SessionExpirySweeperOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().WithMessage($"{setting}: *");
    }

    [Theory]
    [InlineData("Timeout", "00:00:00")]
    [InlineData("Timeout", "01:00:00")]
    [InlineData("CacheDuration", "-00:00:01")]
    [InlineData("CacheDuration", "00:10:00")]
    public void A_health_check_setting_out_of_its_bounds_is_refused_naming_it(string setting, string value)
    {
        var builder = new ServiceCollection().AddHealthChecks();
        var bad = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

        var add = () => builder.AddSessionStore(configure: options =>
        {
            if (setting == "Timeout")
            {
                options.Timeout = bad;
            }
            else
            {
                options.CacheDuration = bad;
            }
        });

        add.Should().Throw<ArgumentException>().WithMessage($"{setting}: *");
    }

    [Theory]
    [InlineData("LeaseDuration", "3000000.00:00:00")]
    [InlineData("MaxStartDelay", "365.00:00:00")]
    public async Task A_host_with_a_setting_out_of_bounds_does_not_start_and_the_error_names_the_setting(string setting, string value)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["SessionSweeper:" + setting] = value });
        builder.Services.AddInMemorySessionStore().AddSessionExpirySweeper(builder.Configuration.GetSection("SessionSweeper"));
        using var host = builder.Build();

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().StartWith($"{setting}: must be from");
    }
}
