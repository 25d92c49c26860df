using System.CommandLine;
using Sessions.Cli.Lookalikes;

namespace Sessions.Cli.CommandLine;

/// <summary>The <c>--lookalikes N</c> option of <c>revoke-user</c> and <c>list --user</c>: how many active sessions to compare with the user for lookalike users.</summary>
internal sealed class LookalikeOptions
{
    public Option<int> Limit { get; } = new("--lookalikes")
    {
        Description =
            "Warn about active sessions of users that differ from the given user only by invisible characters (alice and alice+U+200B): " +
            $"compare it with up to n active sessions, newest first (1,000 reads per 1,000 sessions); 0 skips the check. Default {LookalikeUsers.DefaultLimit}.",
        HelpName = "n",
        DefaultValueFactory = static _ => LookalikeUsers.DefaultLimit,
        CustomParser = CommandLineValues.NumberFromTo(0, LookalikeUsers.MaxLimit, "--lookalikes", "a number of sessions"),
    };
}
