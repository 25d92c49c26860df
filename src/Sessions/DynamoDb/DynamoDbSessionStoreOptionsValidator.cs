using Microsoft.Extensions.Options;

namespace Sessions.DynamoDb;

/// <summary>Validates <see cref="DynamoDbSessionStoreOptions"/> at start-up; each failure names the bad setting.</summary>
internal sealed class DynamoDbSessionStoreOptionsValidator : IValidateOptions<DynamoDbSessionStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, DynamoDbSessionStoreOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
