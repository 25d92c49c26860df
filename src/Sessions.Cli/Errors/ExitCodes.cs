namespace Sessions.Cli.Errors;

/// <summary>The process exit codes of every command, as documented in the tool's README.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The session does not exist, or its state forbids the change (already revoked, expired, changed meanwhile).</summary>
    public const int Refused = 1;

    /// <summary>A bad command line: unknown or missing option, malformed id, time or page token.</summary>
    public const int Usage = 2;

    /// <summary>The store failed (throttling, access denied, missing table, unreachable endpoint).</summary>
    public const int StoreFailure = 3;

    /// <summary>
    /// A command did what it could but not all of it: a bulk command failed on some sessions, or a list could not read
    /// some items (their ids are printed on standard error).
    /// </summary>
    public const int Incomplete = 4;

    /// <summary>A defect in the tool itself.</summary>
    public const int Internal = 70;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Canceled = 130;
}
