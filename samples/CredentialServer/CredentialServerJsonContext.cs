using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sessions.Samples.CredentialServer.Credentials;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// The body of a successful answer: exactly the four fields the container-credentials clients read, always all four.
/// <c>Expiration</c> is ISO-8601 UTC. <c>Token</c> is empty for keys without a session token: botocore and the AWS
/// CLI read the field unconditionally (a missing one is a <c>KeyError</c>), the AWS SDK for JavaScript requires a
/// string; botocore, the AWS CLI and the AWS SDK for .NET sign without a token when it is empty.
/// </summary>
internal sealed record CredentialsResponse(string AccessKeyId, string SecretAccessKey, string Token, string Expiration)
{
    public static CredentialsResponse From(ContainerCredentials credentials) => new(
        credentials.AccessKeyId,
        credentials.SecretAccessKey,
        credentials.Token ?? string.Empty,
        credentials.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
}

/// <summary>The body of a refusal: a stable code and a sentence the SDKs show in their error.</summary>
internal sealed record ErrorResponse(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

[JsonSerializable(typeof(CredentialsResponse))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class CredentialServerJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Gets the context the endpoint writes with: quotes and apostrophes stay as they are (the body is never embedded in
    /// HTML), control characters are still escaped.
    /// </summary>
    public static CredentialServerJsonContext Web { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
