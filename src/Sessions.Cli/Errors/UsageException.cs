namespace Sessions.Cli.Errors;

/// <summary>A command line that parses but makes no sense (conflicting filters, a malformed time); exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
