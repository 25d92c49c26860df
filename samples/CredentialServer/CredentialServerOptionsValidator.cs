using Microsoft.Extensions.Options;

namespace Sessions.Samples.CredentialServer;

/// <summary>Refuses, at start-up, settings the server cannot run with, naming each bad setting.</summary>
internal sealed class CredentialServerOptionsValidator : IValidateOptions<CredentialServerOptions>
{
    public ValidateOptionsResult Validate(string? name, CredentialServerOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
