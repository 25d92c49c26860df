using Amazon;
using Amazon.Runtime;

namespace Sessions.Tests.DynamoDb;

/// <summary>
/// The one credential rule of the library's container and the tool: a named profile, else the SDK's chain (session
/// tokens honoured), and placeholder keys only for a loopback endpoint when the chain's local sources hold nothing.
/// </summary>
public sealed class DynamoDbClientFactoryTests
{
    private static readonly Uri Loopback = new("http://127.0.0.1:8000");
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AWSCredentials> _profiles = new(StringComparer.Ordinal);

    [Theory]
    [InlineData("http://127.0.0.1:8000")]
    [InlineData("http://localhost:8000")]
    [InlineData("http://[::1]:8000")]
    public void A_loopback_endpoint_with_no_credentials_anywhere_signs_with_letters_only_placeholders(string endpoint)
    {
        var credentials = Credentials(new Uri(endpoint)).Should().BeOfType<BasicAWSCredentials>().Subject.GetCredentials();

        credentials.AccessKey.Should().Be("local").And.MatchRegex("^[A-Za-z0-9]+$");
        credentials.SecretKey.Should().Be("local");
    }

    [Theory]
    [InlineData("https://dynamodb.eu-west-1.amazonaws.com")]
    [InlineData("http://10.0.0.5:8000")]
    [InlineData(null)]
    public void A_remote_endpoint_or_AWS_itself_leaves_the_credentials_to_the_SDK_chain_never_to_placeholders(string? endpoint)
    {
        _environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        _environment["AWS_SECRET_ACCESS_KEY"] = "secret";

        Credentials(endpoint is null ? null : new Uri(endpoint)).Should().BeNull();
    }

    [Fact]
    public void The_environment_keys_with_their_session_token_sign_for_a_loopback_endpoint()
    {
        _environment["AWS_ACCESS_KEY_ID"] = "ASIAEXAMPLE";
        _environment["AWS_SECRET_ACCESS_KEY"] = "secret";
        _environment["AWS_SESSION_TOKEN"] = "token";

        var credentials = Credentials(Loopback).Should().BeOfType<SessionAWSCredentials>().Subject.GetCredentials();

        (credentials.AccessKey, credentials.SecretKey, credentials.Token).Should().Be(("ASIAEXAMPLE", "secret", "token"));
    }

    [Fact]
    public void Environment_keys_without_a_token_sign_as_they_are()
    {
        _environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        _environment["AWS_SECRET_ACCESS_KEY"] = "secret";

        Credentials(Loopback).Should().BeOfType<BasicAWSCredentials>().Which.GetCredentials().AccessKey.Should().Be("AKIDEXAMPLE");
    }

    [Fact]
    public void The_shared_profile_of_AWS_PROFILE_or_default_comes_before_placeholders()
    {
        var ops = new BasicAWSCredentials("ops", "ops");
        var fallback = new BasicAWSCredentials("default", "default");
        _profiles["default"] = fallback;

        Credentials(Loopback).Should().BeSameAs(fallback);
        _profiles["ops"] = ops;
        _environment["AWS_PROFILE"] = "ops";
        Credentials(Loopback).Should().BeSameAs(ops);
    }

    [Fact]
    public void A_named_profile_signs_wherever_the_endpoint_is_and_a_missing_one_is_an_error_naming_it()
    {
        var ops = new BasicAWSCredentials("ops", "ops");
        _profiles["ops"] = ops;

        Credentials(null, "ops").Should().BeSameAs(ops);
        Credentials(Loopback, "ops").Should().BeSameAs(ops);
        FluentActions.Invoking(() => Credentials(Loopback, "missing")).Should().Throw<InvalidOperationException>().WithMessage("*'missing'*");
    }

    [Fact]
    public void An_endpoint_signs_for_the_region_given_or_us_east_1_and_AWS_uses_the_region_given()
    {
        var local = DynamoDbClientFactory.Config(Loopback, region: null);
        local.ServiceURL.Should().StartWith("http://127.0.0.1:8000");
        local.AuthenticationRegion.Should().Be("us-east-1");
        DynamoDbClientFactory.Config(Loopback, "eu-west-1").AuthenticationRegion.Should().Be("eu-west-1");
        DynamoDbClientFactory.Config(null, "eu-west-1").RegionEndpoint.Should().Be(RegionEndpoint.EUWest1);
    }

    private AWSCredentials? Credentials(Uri? endpoint, string? profile = null) =>
        DynamoDbClientFactory.Credentials(endpoint, profile, name => _environment.GetValueOrDefault(name), name => _profiles.GetValueOrDefault(name));
}
