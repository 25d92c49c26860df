using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Configuration;
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
    public async Task The_STS_source_asks_for_no_longer_than_the_session_has_left_and_refuses_below_15_minutes_without_calling_STS()
    {
        var clock = new FakeTimeProvider(s_now);
        var requests = new List<AssumeRoleRequest>();
        var sts = new Mock<IAmazonSecurityTokenService>();
        sts.Setup(s => s.AssumeRoleAsync(It.IsAny<AssumeRoleRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((AssumeRoleRequest request, CancellationToken _) =>
            {
                requests.Add(request);

                // An STS clock a little ahead: the answer says a few seconds past what was asked.
                return new AssumeRoleResponse { Credentials = new() { AccessKeyId = "ASIAEXAMPLEEXAMPLE", SecretAccessKey = "S", SessionToken = "T", Expiration = clock.GetUtcNow().AddSeconds((request.DurationSeconds ?? 0) + 3).UtcDateTime } };
            });
        using var source = new AssumeRoleCredentialSource(sts.Object, "arn:aws:iam::123456789012:role/read", TimeSpan.FromHours(1), clock);
        var thirtyMinutes = ServerSession.Start("bob", "p", "i-2", string.Empty, TimeSpan.FromMinutes(30), s_now);

        var capped = await source.GetCredentialsAsync(thirtyMinutes, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(26));
        var fiveMinutes = ServerSession.Start("bob", "p", "i-2", string.Empty, TimeSpan.FromMinutes(5), clock.GetUtcNow());
        var tooSoon = () => source.GetCredentialsAsync(fiveMinutes, CancellationToken.None);

        capped.Expiration.Should().Be(thirtyMinutes.ExpiresAt, "what the client is told never passes the session's end");
        (await tooSoon.Should().ThrowAsync<SessionEndsTooSoonException>()).Which.Message.Should().Contain(fiveMinutes.Id).And.Contain("15 minutes");
        requests.Select(r => r.DurationSeconds).Should().Equal(1800);
        requests.Should().OnlyContain(r => r.SourceIdentity == null);
    }

    [Fact]
    public async Task Static_credentials_last_their_duration_but_never_past_the_session()
    {
        var clock = new FakeTimeProvider(s_now);
        var source = new StaticCredentialSource("ASIASTATICEXAMPLE001", "secret", sessionToken: "", duration: TimeSpan.FromMinutes(15), timeProvider: clock);

        var early = await source.GetCredentialsAsync(ServerSession.Start("a", "p", "i", string.Empty, TimeSpan.FromHours(1), s_now), CancellationToken.None);
        var late = await source.GetCredentialsAsync(ServerSession.Start("a", "p", "i", string.Empty, TimeSpan.FromMinutes(10), s_now), CancellationToken.None);

        early.Expiration.Should().Be(s_now.AddMinutes(15));
        late.Expiration.Should().Be(s_now.AddMinutes(10));
        early.Token.Should().BeNull("an empty session token is none");
        CredentialsResponse.From(early).Token.Should().BeEmpty("the answer always carries Token, which botocore reads unconditionally");
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
            CredentialsDuration = TimeSpan.FromSeconds(30),
        };

        options.Validate().Should().BeEquivalentTo(
            "CredentialServer:User: must not be empty.",
            "CredentialServer:CredentialsDuration: must be between 1 minute and 12 hours (got 00:00:30).",
            "CredentialServer:AuthorizationToken: must be 16–1,024 characters long when set (got 5).",
            "CredentialServer:RoleArn: set a role to assume, or CredentialServer:StaticCredentials:AccessKeyId and :SecretAccessKey for a local try.");
        options.Validate(needsCredentialSettings: false).Should().HaveCount(3);
        options.CappedSessionDuration.Should().Be(TimeSpan.FromHours(1));
    }

    public static TheoryData<Action<CredentialServerOptions>, string> OutOfBounds() => new()
    {
        { o => o.SessionDuration = TimeSpan.FromSeconds(59), "CredentialServer:SessionDuration: must be between 1 minute and 30 days" },
        { o => o.SessionDuration = TimeSpan.MaxValue, "CredentialServer:SessionDuration: must be between 1 minute and 30 days" },
        { o => o.MaxSessionDuration = TimeSpan.FromDays(31), "CredentialServer:MaxSessionDuration: must be between 1 minute and 30 days" },
        { o => o.CredentialsDuration = TimeSpan.FromHours(13), "CredentialServer:CredentialsDuration: must be between 1 minute and 12 hours" },
        { o => o.RefusalLogInterval = TimeSpan.Zero, "CredentialServer:RefusalLogInterval: must be between 1 second and 1 hour" },
        { o => o.User = new string('u', 1025), "CredentialServer:User: must be at most 1,024 UTF-8 bytes" },
        { o => o.Profile = "\ud800", "CredentialServer:Profile: must be at most 1,024 UTF-8 bytes of valid Unicode" },
        { o => o.ServerInstanceId = "", "CredentialServer:ServerInstanceId: must not be empty" },
        { o => o.SourceIdentity = new string('s', 4097), "CredentialServer:SourceIdentity: must be at most 4,096 UTF-8 bytes" },
        { o => o.AuthorizationToken = " 0123456789abcdef", "CredentialServer:AuthorizationToken: must not begin or end with white space" },
        { o => o.AuthorizationToken = "0123456789abcdef\t", "CredentialServer:AuthorizationToken: must not begin or end with white space" },
        { o => o.AuthorizationToken = "0123456789abcdéf", "CredentialServer:AuthorizationToken: must hold printable ASCII characters only" },
        { o => o.AuthorizationToken = new string('t', 1025), "CredentialServer:AuthorizationToken: must be 16–1,024 characters long" },
        { o => o.StaticCredentials!.AccessKeyId = "SHORT", "CredentialServer:StaticCredentials:AccessKeyId: must be 16–128 letters and digits" },
        { o => o.StaticCredentials!.SecretAccessKey = "two words", "CredentialServer:StaticCredentials:SecretAccessKey: must be 1–256 printable ASCII characters" },
        { o => o.StaticCredentials!.SessionToken = "line\nbreak", "CredentialServer:StaticCredentials:SessionToken: must be 1–16,384 printable ASCII characters" },
        { o => o.RoleArn = "arn:aws:iam::123:role/x", "CredentialServer:RoleArn: must be an IAM role ARN" },
        { o => (o.RoleArn, o.SourceIdentity) = ("arn:aws:iam::123456789012:role/read", "alice smith"), "CredentialServer:SourceIdentity: STS takes 2–64 characters" },
        { o => (o.RoleArn, o.CredentialsDuration) = ("arn:aws:iam::123456789012:role/read", TimeSpan.FromMinutes(10)), "CredentialServer:CredentialsDuration: must be between 15 minutes and 12 hours with a RoleArn" },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public void A_setting_out_of_its_bounds_is_refused_by_name(Action<CredentialServerOptions> change, string expected)
    {
        var options = new CredentialServerOptions { StaticCredentials = new() { AccessKeyId = "ASIASTATICEXAMPLE001", SecretAccessKey = "secret" } };
        options.Validate().Should().BeEmpty("the defaults with static keys are valid");

        change(options);

        options.Validate().Should().ContainSingle().Which.Should().StartWith(expected);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9911", true)]
    [InlineData("http://127.8.9.10:9911", true)]
    [InlineData("http://localhost:9911", true)]
    [InlineData("http://[::1]:9911", true)]
    [InlineData("http://unix:/run/credentials.sock", true)]
    [InlineData("https://0.0.0.0:9911", true)]
    [InlineData("https://*:9911", true)]
    [InlineData("http://0.0.0.0:9911", false)]
    [InlineData("http://*:9911", false)]
    [InlineData("http://+:9911", false)]
    [InlineData("http://[::]:9911", false)]
    [InlineData("http://10.0.0.5:9911", false)]
    [InlineData("http://credentials.internal:9911", false)]
    public void Plain_HTTP_is_allowed_on_loopback_only_unless_the_setting_says_otherwise(string url, bool allowed)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("urls", "http://127.0.0.1:1;" + url)]).Build();

        var problems = ListenAddresses.Problems(configuration, allowInsecureNetworkHttp: false);

        if (allowed)
        {
            problems.Should().BeEmpty();
        }
        else
        {
            problems.Should().ContainSingle().Which.Should().StartWith($"Urls: '{url}' is plain HTTP on an address other than loopback.")
                .And.Contain("in the clear").And.Contain("CredentialServer:AllowInsecureNetworkHttp=true");
            ListenAddresses.Problems(configuration, allowInsecureNetworkHttp: true).Should().BeEmpty();
        }
    }

    [Fact]
    public void Ports_and_Kestrel_endpoints_are_checked_by_the_setting_that_names_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
        [
            new("http_ports", "9911"),
            new("Kestrel:Endpoints:Sidecar:Url", "http://0.0.0.0:9912"),
            new("Kestrel:Endpoints:Local:Url", "http://127.0.0.1:9913"),
            new("Kestrel:Endpoints:Broken:Url", "127.0.0.1:9914"),
        ]).Build();

        ListenAddresses.Problems(configuration, allowInsecureNetworkHttp: false).Select(p => p[..p.IndexOf(' ', StringComparison.Ordinal)]).Should().BeEquivalentTo(
            "HTTP_PORTS:", "Kestrel:Endpoints:Sidecar:Url:", "Kestrel:Endpoints:Broken:Url:");
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("key leaked\nFAKE LOG LINE", "key leaked\\nFAKE LOG LINE")]
    [InlineData("\u001b[8mhidden", "\\e[8mhidden")]
    [InlineData("bell\u0007 tab\t del\u007f", "bell\\x07 tab\\t del\\x7f")]
    [InlineData("right\u202eto left", "right\\u202eto left")]
    [InlineData("CORP\\alice 😀", "CORP\\alice 😀")]
    [InlineData("zero\u200bwidth soft\u00adhyphen \ufeffbom", "zero\\u200bwidth soft\\u00adhyphen \\ufeffbom")]
    [InlineData("alice\U000e0041", "alice\\U000e0041")]
    public void Client_and_stored_text_is_escaped_visibly(string text, string expected) =>
        EscapedText.Of(text).Should().Be(expected).And.Be(EscapedText.Of(expected), "escaping is idempotent");

    [Fact]
    public void Long_text_is_cut_and_marked()
    {
        EscapedText.Of(new string('a', 10) + "\n", maxLength: 4).Should().Be("aaaa…");
        EscapedText.Of("ab\ncd", maxLength: 4).Should().Be("ab\\nc…");
        EscapedText.Of("abcd", maxLength: 4).Should().Be("abcd");
    }

    [Fact]
    public void A_lone_surrogate_is_escaped() =>
        EscapedText.Of("lone " + '\ud800' + " surrogate").Should().Be("lone \\ud800 surrogate");

    [Fact]
    public void A_refusal_is_logged_at_once_for_its_first_occurrence_then_counted_per_interval_per_cause()
    {
        var clock = new FakeTimeProvider(s_now);
        var logger = new RecordingLogger();
        using var log = new RefusalLog(Options.Create(new CredentialServerOptions { RefusalLogInterval = TimeSpan.FromMinutes(1) }), clock, logger);

        log.Record(503, "SessionStoreUnavailable", "SessionStoreException ← HttpRequestException", "127.0.0.1, user agent 'aws-cli'", new InvalidOperationException("down"));
        for (var i = 0; i < 41; i++)
        {
            log.Record(503, "SessionStoreUnavailable", "SessionStoreException ← HttpRequestException", "127.0.0.1, user agent 'aws-cli'");
        }

        log.Record(401, "Unauthorized", "no Authorization header", "127.0.0.1, user agent 'curl'");
        var beforeTheInterval = logger.Entries.Count;
        clock.Advance(TimeSpan.FromMinutes(1));
        var afterOneInterval = logger.Entries.Count;
        clock.Advance(TimeSpan.FromMinutes(1));

        beforeTheInterval.Should().Be(2, "each cause is logged once at once, whatever its count");
        logger.Entries[0].Should().Match<RecordingLogger.Entry>(e => e.Level == LogLevel.Warning && e.Exception != null
            && e.Message.Contains("503 SessionStoreUnavailable, SessionStoreException ← HttpRequestException") && e.Message.Contains("user agent 'aws-cli'"));
        logger.Entries[1].Message.Should().Contain("401 Unauthorized, no Authorization header");
        afterOneInterval.Should().Be(3, "only the cause refused again is counted");
        logger.Entries[2].Should().Match<RecordingLogger.Entry>(e => e.Level == LogLevel.Warning && e.Exception == null
            && e.Message.StartsWith("Refused 41 more credential requests in the last 00:01:00: 503 SessionStoreUnavailable"));
        logger.Entries.Should().HaveCount(3, "an interval without refusals logs nothing");
    }

    [Fact]
    public void Refusals_of_more_causes_than_kept_apart_are_counted_together()
    {
        var clock = new FakeTimeProvider(s_now);
        var logger = new RecordingLogger();
        using var log = new RefusalLog(Options.Create(new CredentialServerOptions()), clock, logger);

        for (var i = 0; i < RefusalLog.MaxCauses + 5; i++)
        {
            log.Record(403, "SessionRevoked", $"revoked by 'ops{i}'", "127.0.0.1");
        }

        clock.Advance(TimeSpan.FromMinutes(1));

        logger.Entries.Should().HaveCount(RefusalLog.MaxCauses + 1);
        logger.Entries[^1].Message.Should().StartWith("Refused 5 more credential requests in the last 00:01:00: 0 Other, causes beyond the first 100 distinct ones");
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
