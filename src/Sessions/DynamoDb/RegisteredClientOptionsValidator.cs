using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sessions.Diagnostics;

namespace Sessions.DynamoDb;

/// <summary>
/// Refuses, at start-up, store settings that a registered client would make the store ignore: with an
/// <see cref="IAmazonDynamoDB"/> in the container (for example from AWSSDK.Extensions.NETCore.Setup's
/// <c>AddAWSService&lt;IAmazonDynamoDB&gt;()</c>) the store sends every request through that client, so a
/// <see cref="DynamoDbSessionStoreOptions.ServiceUrl"/> or <see cref="DynamoDbSessionStoreOptions.Region"/> that names
/// another endpoint or region would silently send the sessions elsewhere. The message names both.
/// </summary>
/// <remarks>The client is resolved only when one of the two settings is set, so an app without them never builds it early.</remarks>
internal sealed class RegisteredClientOptionsValidator(IServiceProvider services) : IValidateOptions<DynamoDbSessionStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, DynamoDbSessionStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ServiceUrl is null && options.Region is null)
        {
            return ValidateOptionsResult.Success;
        }

        if (services.GetService<IAmazonDynamoDB>()?.Config is not { } config)
        {
            return ValidateOptionsResult.Success;
        }

        var problems = Problems(options, config);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>What the store would ignore of <paramref name="options"/> beside a client configured by <paramref name="config"/>.</summary>
    internal static List<string> Problems(DynamoDbSessionStoreOptions options, IClientConfig config)
    {
        var problems = new List<string>();
        var clientUrl = config.ServiceURL is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? parsed : null;
        var region = config.RegionEndpoint?.SystemName ?? (config.AuthenticationRegion is { Length: > 0 } signing ? signing : null);
        var clientRegion = region is null ? null : VisibleText.Escape(region);
        var client = clientUrl is not null
            ? $"sends to {clientUrl.AbsoluteUri}"
            : clientRegion is not null ? $"sends to the AWS endpoint of region {clientRegion}" : "sends to the AWS endpoint of the SDK's default region";

        if (options.ServiceUrl is { } serviceUrl && (clientUrl is null || !SameEndpoint(serviceUrl, clientUrl)))
        {
            problems.Add(
                $"{nameof(DynamoDbSessionStoreOptions.ServiceUrl)}: '{VisibleText.Escape(serviceUrl.OriginalString)}' would be ignored: the store uses the " +
                $"IAmazonDynamoDB registered in the container, which {client}. Remove {nameof(DynamoDbSessionStoreOptions.ServiceUrl)} from the store's " +
                "settings, or give that endpoint to the registered client (AWS:ServiceURL with AWSSDK.Extensions.NETCore.Setup).");
        }

        if (options.Region is { } configured && !string.Equals(configured, region, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(
                $"{nameof(DynamoDbSessionStoreOptions.Region)}: '{VisibleText.Escape(configured)}' would be ignored: the store uses the IAmazonDynamoDB " +
                $"registered in the container, whose region is {(clientRegion is null ? "not set" : $"'{clientRegion}'")} and which {client}. " +
                $"Remove {nameof(DynamoDbSessionStoreOptions.Region)} from the store's settings, or give that region to the registered client " +
                "(AWS:Region with AWSSDK.Extensions.NETCore.Setup).");
        }

        return problems;
    }

    private static bool SameEndpoint(Uri configured, Uri client) =>
        string.Equals(configured.AbsoluteUri.TrimEnd('/'), client.AbsoluteUri.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
