using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sessions.Samples.CredentialServer.Credentials;

namespace Sessions.Samples.CredentialServer;

/// <summary>The body of a successful answer, in the names the SDKs read; <c>Expiration</c> is ISO-8601 UTC; no <c>Token</c> for long-term keys.</summary>
internal sealed record CredentialsResponse(
    string AccessKeyId,
    string SecretAccessKey,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Token,
    string Expiration)
{
    public static CredentialsResponse From(ContainerCredentials credentials) => new(
        credentials.AccessKeyId,
        credentials.SecretAccessKey,
        credentials.Token,
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
