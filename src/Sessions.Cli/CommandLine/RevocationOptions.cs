using System.CommandLine;

namespace Sessions.Cli.CommandLine;

/// <summary>The options of a revocation, recorded on each revoked session: <c>--by</c> (required) and <c>--reason</c>.</summary>
internal sealed class RevocationOptions
{
    public Option<string> By { get; } = new("--by")
    {
        Description = "Who revokes: an operator's name or e-mail, recorded on the session.",
        HelpName = "operator",
        Required = true,
    };

    public Option<string> Reason { get; } = new("--reason")
    {
        Description = "Why, recorded on the session.",
        HelpName = "text",
        DefaultValueFactory = static _ => string.Empty,
    };

    /// <summary>Reads who revokes and why; no <c>--reason</c> is an empty reason.</summary>
    public (string By, string Reason) Read(ParseResult result) => (result.GetRequiredValue(By), result.GetValue(Reason) ?? string.Empty);
}
