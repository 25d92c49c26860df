using Microsoft.Extensions.Options;

namespace Sessions.Hosting;

/// <summary>Validates <see cref="SessionExpirySweeperOptions"/> at start-up; each failure names the bad setting.</summary>
internal sealed class SessionExpirySweeperOptionsValidator : IValidateOptions<SessionExpirySweeperOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionExpirySweeperOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
