using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Sessions;

/// <summary>
/// Validates the store's options at start-up by the options' own rules, a method that lists what is wrong and names
/// each bad setting. The hosting package validates the sweeper's options the same way with a helper of its own.
/// </summary>
internal static class ValidatedOptions
{
    /// <summary>
    /// Validates the options of <paramref name="options"/> with <paramref name="problems"/> when the host starts;
    /// registering the same options twice registers one validator.
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateOnStartWith<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this OptionsBuilder<TOptions> options, Func<TOptions, List<string>> problems)
        where TOptions : class
    {
        options.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new Validator<TOptions>(problems)));
        return options.ValidateOnStart();
    }

    private sealed class Validator<TOptions>(Func<TOptions, List<string>> problems) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var found = problems(options);
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
