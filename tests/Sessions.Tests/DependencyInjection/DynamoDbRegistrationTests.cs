using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;

namespace Sessions.Tests.DependencyInjection;

public sealed class DynamoDbRegistrationTests
{
    private static readonly ServiceProviderOptions Strict = new() { ValidateOnBuild = true, ValidateScopes = true };

    [Fact]
    public async Task AddSessionStore_registers_a_singleton_DynamoDB_store_on_the_containers_client()
    {
        var client = new Mock<IAmazonDynamoDB>();
        client.Setup(c => c.GetItemAsync(It.IsAny<GetItemRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(new GetItemResponse());
        var services = new ServiceCollection().AddSingleton(client.Object);

        services.AddSessionStore(o => o.TableName = "sessions").Should().BeSameAs(services);
        using var provider = services.BuildServiceProvider(Strict);

        var store = provider.GetRequiredService<ISessionStore>();
        store.Should().BeOfType<DynamoDbSessionStore>().Which.TableName.Should().Be("sessions");
        provider.GetRequiredService<ISessionStore>().Should().BeSameAs(store);
        services.Where(d => d.ServiceType == typeof(ISessionStore)).Should().ContainSingle().Which.Lifetime.Should().Be(ServiceLifetime.Singleton);
        await FluentActions.Awaiting(() => store.GetAsync(SessionId.New())).Should().ThrowAsync<SessionNotFoundException>();
        client.Verify(c => c.GetItemAsync(It.Is<GetItemRequest>(r => r.TableName == "sessions" && r.ConsistentRead == true), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public void AddSessionStore_binds_its_options_from_a_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sessions:TableName"] = "prod-sessions",
            ["Sessions:Retention"] = "02:30:00",
            ["Sessions:ServiceUrl"] = "http://localhost:8000",
            ["Sessions:Region"] = "eu-west-1",
        }).Build();
        using var provider = new ServiceCollection().AddSessionStore(configuration.GetSection("Sessions")).BuildServiceProvider(Strict);

        var options = provider.GetRequiredService<IOptions<DynamoDbSessionStoreOptions>>().Value;

        options.TableName.Should().Be("prod-sessions");
        options.Retention.Should().Be(TimeSpan.FromMinutes(150));
        options.ServiceUrl.Should().Be(new Uri("http://localhost:8000"));
        options.Region.Should().Be("eu-west-1");
        provider.GetRequiredService<ISessionStore>().Should().BeOfType<DynamoDbSessionStore>().Which.TableName.Should().Be("prod-sessions");
    }

    [Theory]
    [InlineData(null, "TableName")]
    [InlineData("x", "TableName")]
    [InlineData("bad name!", "TableName")]
    public void Invalid_options_fail_at_start_up_with_a_message_naming_the_setting(string? table, string setting)
    {
        using var provider = new ServiceCollection()
            .AddSingleton(Mock.Of<IAmazonDynamoDB>())
            .AddSessionStore(o => o.TableName = table)
            .BuildServiceProvider(Strict);

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(setting);
    }

    [Theory]
    [InlineData("localhost:8000")]
    [InlineData("ftp://localhost:8000")]
    [InlineData("file:///tmp/dynamodb")]
    [InlineData("/relative")]
    public void A_service_url_that_is_not_absolute_http_or_https_fails_at_start_up_naming_ServiceUrl(string serviceUrl)
    {
        using var provider = new ServiceCollection()
            .AddSessionStore(o => { o.TableName = "sessions"; o.ServiceUrl = new Uri(serviceUrl, UriKind.RelativeOrAbsolute); })
            .BuildServiceProvider(Strict);

        FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate())
            .Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("ServiceUrl").And.Contain("http or https").And.Contain(serviceUrl);
    }

    [Fact]
    public void A_service_url_bound_from_configuration_without_a_scheme_fails_at_start_up_naming_ServiceUrl()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sessions:TableName"] = "sessions",
            ["Sessions:ServiceUrl"] = "localhost:8000",
        }).Build();
        using var provider = new ServiceCollection().AddSessionStore(configuration.GetSection("Sessions")).BuildServiceProvider(Strict);

        FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate())
            .Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("ServiceUrl: must be an absolute http or https URL");
    }

    [Theory]
    [InlineData("http://localhost:8000")]
    [InlineData("https://dynamodb.eu-west-1.amazonaws.com/")]
    public void An_http_or_https_service_url_passes_validation(string serviceUrl)
    {
        using var provider = new ServiceCollection()
            .AddSessionStore(o => { o.TableName = "sessions"; o.ServiceUrl = new Uri(serviceUrl); })
            .BuildServiceProvider(Strict);

        FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate()).Should().NotThrow();
    }

    [Theory]
    [InlineData("EU-WEST-1")]
    [InlineData("eu-west")]
    [InlineData("euwest1")]
    [InlineData("eu-west-100")]
    [InlineData("eu--west-1")]
    [InlineData("eu-west-1\n")]
    [InlineData("https://dynamodb.eu-west-1.amazonaws.com")]
    [InlineData("a-very-long-region-name-beyond-32-1")]
    public void A_region_that_is_not_shaped_like_an_AWS_region_fails_at_start_up_naming_Region(string region)
    {
        using var provider = new ServiceCollection()
            .AddSessionStore(o => { o.TableName = "sessions"; o.Region = region; })
            .BuildServiceProvider(Strict);

        FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate())
            .Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Region: must be an AWS region name such as eu-west-1");
    }

    [Theory]
    [InlineData("eu-west-1")]
    [InlineData("us-gov-west-1")]
    [InlineData("cn-northwest-1")]
    [InlineData("ap-southeast-7")]
    [InlineData("us-isob-east-1")]
    [InlineData("eusc-de-east-1")]
    public void A_region_name_passes_validation(string region)
    {
        using var provider = new ServiceCollection()
            .AddSessionStore(o => { o.TableName = "sessions"; o.Region = region; })
            .BuildServiceProvider(Strict);

        FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate()).Should().NotThrow();
    }

    [Theory]
    [InlineData(36_501)]
    [InlineData(10_675_199)]
    public void A_retention_that_would_overflow_the_calendar_fails_at_start_up_naming_Retention(int days)
    {
        var retention = days == 10_675_199 ? TimeSpan.MaxValue : TimeSpan.FromDays(days);
        using var provider = new ServiceCollection()
            .AddSingleton(Mock.Of<IAmazonDynamoDB>())
            .AddSessionStore(o => { o.TableName = "sessions"; o.Retention = retention; })
            .BuildServiceProvider(Strict);

        FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate())
            .Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Retention").And.Contain("36500 days");
    }

    [Fact]
    public void The_longest_retention_is_accepted_and_its_ttl_of_the_latest_expiry_does_not_overflow()
    {
        using var provider = new ServiceCollection()
            .AddSingleton(Mock.Of<IAmazonDynamoDB>())
            .AddSessionStore(o => { o.TableName = "sessions"; o.Retention = DynamoDbSessionStoreOptions.MaxRetention; })
            .BuildServiceProvider(Strict);

        provider.GetRequiredService<ISessionStore>().Should().NotBeNull();
        SessionItem.TtlOf(DateTimeOffset.MaxValue, DynamoDbSessionStoreOptions.MaxRetention).N.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void A_negative_retention_fails_at_start_up_naming_Retention()
    {
        using var provider = new ServiceCollection()
            .AddSingleton(Mock.Of<IAmazonDynamoDB>())
            .AddSessionStore(o => { o.TableName = "sessions"; o.Retention = TimeSpan.FromMinutes(-1); })
            .BuildServiceProvider(Strict);

        FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate())
            .Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Retention");
        FluentActions.Invoking(() => provider.GetRequiredService<ISessionStore>())
            .Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Retention");
    }

    [Fact]
    public void Without_a_registered_client_the_store_builds_one_for_the_configured_endpoint()
    {
        using var provider = new ServiceCollection()
            .AddSessionStore(o => { o.TableName = "sessions"; o.ServiceUrl = new Uri("http://127.0.0.1:8000"); })
            .BuildServiceProvider(Strict);

        provider.GetRequiredService<ISessionStore>().Should().BeOfType<DynamoDbSessionStore>();
        var client = provider.GetRequiredService<DynamoDbClientFactory>().Client;
        client.Config.ServiceURL.Should().StartWith("http://127.0.0.1:8000");
    }

    [Fact]
    public void A_store_registered_first_wins()
    {
        var mine = Mock.Of<ISessionStore>();
        using var provider = new ServiceCollection()
            .AddSingleton(mine)
            .AddSingleton(Mock.Of<IAmazonDynamoDB>())
            .AddSessionStore(o => o.TableName = "sessions")
            .BuildServiceProvider(Strict);

        provider.GetRequiredService<ISessionStore>().Should().BeSameAs(mine);
    }

    [Fact]
    public async Task The_store_takes_its_clock_from_the_container()
    {
        var now = new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero);
        var session = ServerSession.Start("alice", "prod", "i-1", "svc", TimeSpan.FromHours(1), now.AddMinutes(-1));
        var client = new Mock<IAmazonDynamoDB>();
        UpdateItemRequest? sent = null;
        client.Setup(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()))
            .Callback<UpdateItemRequest, CancellationToken>((r, _) => sent = r)
            .ReturnsAsync(new UpdateItemResponse { Attributes = SessionItem.ToItem(session, TimeSpan.FromHours(1)) });
        using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(now))
            .AddSingleton(client.Object)
            .AddSessionStore(o => o.TableName = "sessions")
            .BuildServiceProvider(Strict);

        await provider.GetRequiredService<ISessionStore>().TouchAsync(session.Id);

        sent!.ExpressionAttributeValues[":now"].S.Should().Be("2031-02-03T04:05:06.0000000Z");
    }
}
