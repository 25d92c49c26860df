using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Sessions.Tests.DependencyInjection;

/// <summary>
/// An application that configures the AWS SDK the AWS way — AWSSDK.Extensions.NETCore.Setup's
/// <c>AddDefaultAWSOptions(configuration.GetAWSOptions())</c> and <c>AddAWSService&lt;IAmazonDynamoDB&gt;()</c> — gets a store on
/// that client; store settings that the client would make the store ignore stop the start, naming both.
/// </summary>
public abstract class AwsSdkSetupRegistrationTests(DynamoDbServerFixture server)
{
    private static readonly ServiceProviderOptions Strict = new() { ValidateOnBuild = true, ValidateScopes = true };

    [Fact]
    public async Task A_store_registered_beside_AddAWSService_sends_its_requests_through_that_client()
    {
        var table = await server.SharedTableAsync();
        using var provider = Services(new()
        {
            ["AWS:ServiceURL"] = server.Endpoint.AbsoluteUri,
            ["AWS:Region"] = "eu-west-1",
            ["Sessions:TableName"] = table,
        }).BuildServiceProvider(Strict);
        provider.GetRequiredService<IStartupValidator>().Validate();

        var store = provider.GetRequiredService<ISessionStore>().Should().BeOfType<DynamoDbSessionStore>().Subject;
        store.Client.Should().BeSameAs(provider.GetRequiredService<IAmazonDynamoDB>());
        var created = await store.CreateAsync(ServerSession.Start("setup", "p", "i-" + Guid.NewGuid().ToString("N")[..8], "s", TimeSpan.FromHours(1), TimeProvider.System.GetUtcNow()));

        (await server.Client.GetItemAsync(table, new() { ["id"] = new AttributeValue(created.Id) })).Item.Should().ContainKey("user", "the session is on the configured endpoint");
        (await store.GetAsync(created.Id)).Should().Be(created);
    }

    [Fact]
    public void A_ServiceUrl_beside_a_registered_client_of_another_endpoint_stops_the_start_naming_both()
    {
        using var provider = Services(new()
        {
            ["AWS:Region"] = "eu-west-1",
            ["Sessions:TableName"] = "sessions",
            ["Sessions:ServiceUrl"] = "http://localhost:8000",
        }).BuildServiceProvider(Strict);

        FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate())
            .Should().Throw<OptionsValidationException>().Which.Message
            .Should().Contain("ServiceUrl: 'http://localhost:8000' would be ignored").And.Contain("region eu-west-1").And.Contain("AWS:ServiceURL");
    }

    [Fact]
    public void A_Region_beside_a_registered_client_of_another_region_stops_the_start_naming_both()
    {
        using var provider = Services(new()
        {
            ["AWS:Region"] = "eu-west-1",
            ["Sessions:TableName"] = "sessions",
            ["Sessions:Region"] = "us-east-2",
        }).BuildServiceProvider(Strict);

        FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate())
            .Should().Throw<OptionsValidationException>().Which.Message
            .Should().Contain("Region: 'us-east-2' would be ignored").And.Contain("whose region is 'eu-west-1'").And.Contain("AWS:Region");
    }

    [Fact]
    public void A_ServiceUrl_and_Region_that_name_the_registered_clients_own_pass()
    {
        using var provider = Services(new()
        {
            ["AWS:ServiceURL"] = "http://127.0.0.1:8000/",
            ["AWS:AuthenticationRegion"] = "eu-west-1",
            ["Sessions:TableName"] = "sessions",
            ["Sessions:ServiceUrl"] = "http://127.0.0.1:8000",
            ["Sessions:Region"] = "eu-west-1",
        }).BuildServiceProvider(Strict);

        FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate()).Should().NotThrow();
    }

    [Fact]
    public void Without_ServiceUrl_or_Region_the_registered_client_is_not_built_at_start_up()
    {
        var built = 0;
        using var provider = new ServiceCollection()
            .AddSingleton<IAmazonDynamoDB>(_ =>
            {
                built++;
                return server.Client;
            })
            .AddSessionStore(o => o.TableName = "sessions")
            .BuildServiceProvider(Strict);

        provider.GetRequiredService<IStartupValidator>().Validate();

        built.Should().Be(0);
    }

    /// <summary>The services of an app whose configuration holds <paramref name="settings"/>, configured as AWSSDK.Extensions.NETCore.Setup documents.</summary>
    private static ServiceCollection Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var aws = configuration.GetAWSOptions();
        aws.Credentials = new BasicAWSCredentials("local", "local");
        var services = new ServiceCollection();
        services.AddDefaultAWSOptions(aws);
        services.AddAWSService<IAmazonDynamoDB>();
        services.AddSessionStore(configuration.GetSection("Sessions"));
        return services;
    }
}

public sealed class AwsSdkSetupRegistrationTestsOnDynalite(DynaliteFixture server) : AwsSdkSetupRegistrationTests(server), IClassFixture<DynaliteFixture>;

public sealed class AwsSdkSetupRegistrationTestsOnDynamoDbLocal(DynamoDbLocalFixture server) : AwsSdkSetupRegistrationTests(server), IClassFixture<DynamoDbLocalFixture>;
