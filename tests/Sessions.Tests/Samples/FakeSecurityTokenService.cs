using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Sessions.Tests.Samples;

/// <summary>
/// STS for the role source in end-to-end tests: the SDK's own client with <c>AssumeRoleAsync</c> answered in process,
/// recording each request and issuing credentials that last what was asked, counted on <paramref name="timeProvider"/>.
/// </summary>
internal sealed class FakeSecurityTokenService(TimeProvider timeProvider)
    : AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), new AmazonSecurityTokenServiceConfig { RegionEndpoint = RegionEndpoint.USEast1 })
{
    public const string AccessKeyId = "ASIAFAKESTSROLEKEY01";
    public const string SessionToken = "fake-sts-session-token";

    private readonly List<AssumeRoleRequest> _requests = [];

    public IReadOnlyList<AssumeRoleRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public override Task<AssumeRoleResponse> AssumeRoleAsync(AssumeRoleRequest request, CancellationToken cancellationToken = default)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }

        return Task.FromResult(new AssumeRoleResponse
        {
            Credentials = new Credentials
            {
                AccessKeyId = AccessKeyId,
                SecretAccessKey = "fake-sts-secret",
                SessionToken = SessionToken,
                Expiration = timeProvider.GetUtcNow().AddSeconds(request.DurationSeconds ?? 3600).UtcDateTime,
            },
        });
    }
}
