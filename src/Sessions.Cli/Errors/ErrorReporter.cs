using Amazon.Runtime;
using Microsoft.Extensions.Options;
using Sessions.Diagnostics;

namespace Sessions.Cli.Errors;

/// <summary>Turns a failure into one line on stderr and an exit code; never a stack trace.</summary>
internal static class ErrorReporter
{
    /// <summary>Reports <paramref name="exception"/> and returns the exit code for it.</summary>
    /// <param name="exception">What went wrong.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="command">The command that ran, for example <c>list</c>; names the operation when the store does not.</param>
    /// <param name="table">The table the command ran against, when it names one.</param>
    public static int Report(Exception exception, TextWriter error, string command, string? table)
    {
        var (code, message) = Describe(exception, command, table);
        error.WriteLine($"error: {OneLine(message)}");
        return code;
    }

    internal static (int Code, string Message) Describe(Exception exception, string command, string? table) => exception switch
    {
        UsageException usage => (ExitCodes.Usage, $"{usage.Message} (see 'sessions {command} --help')"),
        ArgumentException argument => (ExitCodes.Usage, WithoutParameterName(argument)),
        OptionsValidationException options => (ExitCodes.Usage, string.Join("; ", options.Failures)),
        SessionNotFoundException or SessionNotActiveException or InvalidSessionTransitionException or SessionConcurrencyException or SessionAlreadyExistsException
            => (ExitCodes.Refused, exception.Message),
        SessionStoreException store => (ExitCodes.StoreFailure, StoreFailure(store.Operation ?? command, store.TableName ?? table, store.Message, store.InnerException)),
        AmazonServiceException or AmazonClientException or HttpRequestException
            => (ExitCodes.StoreFailure, StoreFailure(command, table, exception.Message, exception.InnerException)),
        OperationCanceledException => (ExitCodes.Canceled, "canceled."),
        _ => (ExitCodes.Internal, $"unexpected {exception.GetType().Name}: {exception.Message}"),
    };

    private static string StoreFailure(string operation, string? table, string message, Exception? inner)
    {
        var namesTable = table is null || message.Contains($"'{table}'", StringComparison.Ordinal);
        var cause = inner is null || message.Contains(inner.Message, StringComparison.Ordinal) ? string.Empty : $" ({inner.Message})";
        if (namesTable && message.Contains(operation, StringComparison.Ordinal))
        {
            return $"{message}{cause}";
        }

        var where = namesTable ? $"{operation} failed" : $"{operation} failed on table '{table}'";
        return $"{where}: {message}{cause}";
    }

    /// <summary>An <see cref="ArgumentException"/> message without the " (Parameter 'x')" suffix, which means nothing on a command line.</summary>
    private static string WithoutParameterName(ArgumentException exception)
    {
        var message = exception.Message;
        return exception.ParamName is null ? message : message.Replace($" (Parameter '{exception.ParamName}')", string.Empty, StringComparison.Ordinal);
    }

    /// <summary>
    /// Keeps a message on one line that nothing in it can alter: line breaks, ESC and every other control character
    /// read as visible escapes (<c>\n</c>, <c>\e</c>, ...), so text quoted from the store or the command line can
    /// neither forge a second line nor hide this one.
    /// </summary>
    internal static string OneLine(string text) => VisibleText.Escape(text);
}
