using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Moq;
using Sessions.Samples.CredentialServer;
using Sessions.Samples.CredentialServer.Credentials;

namespace Sessions.Tests.Samples;

/// <summary>The sample's parts that need no server: the token comparison, the STS source, the settings.</summary>
public sealed class CredentialServerUnitTests
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 20, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_token_matches_itself_only()
    {
        var token = new AuthorizationToken("0123456789abcdef-token", generated: false);

        token.Matches("0123456789abcdef-token").Should().BeTrue();
        token.Matches("0123456789abcdef-toke").Should().BeFalse();
        token.Matches("0123456789abcdef-tokenx").Should().BeFalse();
        token.Matches("Bearer 0123456789abcdef-token").Should().BeFalse();
        token.Matches("0123456789ABCDEF-TOKEN").Should().BeFalse();
        token.Matches(string.Empty).Should().BeFalse();
        token.Matches(null).Should().BeFalse();
    }

    [Fact]
    public void A_generated_token_is_32_random_bytes_in_base64url()
    {
        var first = AuthorizationToken.NewValue();

        first.Should().MatchRegex("^[A-Za-z0-9_-]{43}$");
        AuthorizationToken.NewValue().Should().NotBe(first);
    }

    [Fact]
    public async Task The_STS_source_assumes_the_role_named_after_the_session_and_caches_until_five_minutes_before_expiry()
    {
        var clock = new FakeTimeProvider(s_now);
        var session = ServerSession.Start("alice", "prod-read", "i-1", "alice@example.com", TimeSpan.FromHours(8), s_now);
        var requests = new List<AssumeRoleRequest>();
        var sts = new Mock<IAmazonSecurityTokenService>(MockBehavior.Strict);
        sts.Setup(s => s.AssumeRoleAsync(It.IsAny<AssumeRoleRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((AssumeRoleRequest request, CancellationToken _) =>
            {
                requests.Add(request);
                return new AssumeRoleResponse
                {
                    Credentials = new Amazon.SecurityToken.Model.Credentials
                    {
                        AccessKeyId = "ASIA" + requests.Count,
                        SecretAccessKey = "secret",
                        SessionToken = "token",
                        Expiration = clock.GetUtcNow().AddHours(1).UtcDateTime,
                    },
                };
            });
        using var source = new AssumeRoleCredentialSource(sts.Object, "arn:aws:iam::123456789012:role/read", TimeSpan.FromHours(1), clock);

        var first = await source.GetCredentialsAsync(session, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(54));
        var cached = await source.GetCredentialsAsync(session, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1));
        var renewed = await source.GetCredentialsAsync(session, CancellationToken.None);

        first.AccessKeyId.Should().Be("ASIA1");
        first.Expiration.Should().Be(s_now.AddHours(1));
        cached.Should().BeSameAs(first);
        renewed.AccessKeyId.Should().Be("ASIA2");
        requests.Should().HaveCount(2).And.OnlyContain(r =>
            r.RoleArn == "arn:aws:iam::123456789012:role/read" && r.RoleSessionName == session.Id
            && r.SourceIdentity == "alice@example.com" && r.DurationSeconds == 3600);
    }

    [Fact]
    public async Task The_STS_source_asks_for_no_longer_than_the_session_has_left_but_at_least_15_minutes()
    {
        var clock = new FakeTimeProvider(s_now);
        var requests = new List<AssumeRoleRequest>();
        var sts = new Mock<IAmazonSecurityTokenService>();
        sts.Setup(s => s.AssumeRoleAsync(It.IsAny<AssumeRoleRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((AssumeRoleRequest request, CancellationToken _) =>
            {
                requests.Add(request);
                return new AssumeRoleResponse { Credentials = new() { AccessKeyId = "ASIAEXAMPLEEXAMPLE", SecretAccessKey = "S", SessionToken = "T", Expiration = s_now.AddSeconds(request.DurationSeconds ?? 0).UtcDateTime } };
            });
        using var source = new AssumeRoleCredentialSource(sts.Object, "arn:aws:iam::123456789012:role/read", TimeSpan.FromHours(1), clock);

        await source.GetCredentialsAsync(ServerSession.Start("bob", "p", "i-2", string.Empty, TimeSpan.FromMinutes(30), s_now), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(26));
        await source.GetCredentialsAsync(ServerSession.Start("bob", "p", "i-2", string.Empty, TimeSpan.FromMinutes(5), clock.GetUtcNow()), CancellationToken.None);

        requests.Select(r => r.DurationSeconds).Should().Equal(1800, 900);
        requests.Should().OnlyContain(r => r.SourceIdentity == null);
    }

    [Fact]
    public void Settings_name_what_is_wrong_and_the_duration_is_capped()
    {
        var options = new CredentialServerOptions
        {
            User = " ",
            SessionDuration = TimeSpan.FromHours(8),
            MaxSessionDuration = TimeSpan.FromHours(1),
            AuthorizationToken = "short",
            RoleCredentialsDuration = TimeSpan.FromMinutes(5),
        };

        options.Validate().Should().BeEquivalentTo(
            "CredentialServer:User: must not be empty.",
            "CredentialServer:AuthorizationToken: must be at least 16 characters long when set (got 5).",
            "CredentialServer:RoleCredentialsDuration: must be between 15 minutes and 12 hours (got 00:05:00).",
            "CredentialServer:RoleArn: set a role to assume, or CredentialServer:StaticCredentials:AccessKeyId and :SecretAccessKey for a local try.");
        options.Validate(needsCredentialSettings: false).Should().HaveCount(3);
        options.CappedSessionDuration.Should().Be(TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task The_server_refuses_to_start_without_a_credential_source_naming_the_settings()
    {
        await using var app = CredentialServerApplication.Build(
            // A region, so that the store's client can be built: the sweeper resolves the store when the host starts.
            ["--urls", "http://127.0.0.1:0", "--Sessions:TableName", "sessions", "--Sessions:Region", "eu-west-1"],
            builder => builder.Logging.ClearProviders());

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("CredentialServer:RoleArn");
    }
}
