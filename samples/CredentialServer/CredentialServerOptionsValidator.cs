using Microsoft.Extensions.Options;

namespace Sessions.Samples.CredentialServer;

/// <summary>Refuses, at start-up, settings the server cannot run with, naming each bad setting.</summary>
/// <param name="needsCredentialSettings">Whether the credential source is built from the settings (none was registered).</param>
internal sealed class CredentialServerOptionsValidator(bool needsCredentialSettings) : IValidateOptions<CredentialServerOptions>
{
    public ValidateOptionsResult Validate(string? name, CredentialServerOptions options)
    {
        var problems = options.Validate(needsCredentialSettings);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
