using Microsoft.Extensions.Options;

namespace Sessions.Samples.CredentialServer;

/// <summary>Refuses, at start-up, settings the server cannot run with, naming each bad setting: its own and the addresses it listens on.</summary>
/// <param name="configuration">The configuration the addresses are read from.</param>
/// <param name="needsCredentialSettings">Whether the credential source is built from the settings (none was registered).</param>
internal sealed class CredentialServerOptionsValidator(IConfiguration configuration, bool needsCredentialSettings) : IValidateOptions<CredentialServerOptions>
{
    public ValidateOptionsResult Validate(string? name, CredentialServerOptions options)
    {
        var problems = options.Validate(needsCredentialSettings);
        problems.AddRange(ListenAddresses.Problems(configuration, options.AllowInsecureNetworkHttp));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
