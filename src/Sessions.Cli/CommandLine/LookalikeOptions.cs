using System.CommandLine;
using Sessions.Cli.Lookalikes;

namespace Sessions.Cli.CommandLine;

/// <summary>The <c>--lookalikes N</c> option of <c>revoke-user</c> and <c>list --user</c>: how many active sessions to compare with the user for lookalike users.</summary>
internal sealed class LookalikeOptions
{
    /// <param name="user">How the command's help names the user: <c>USER</c>, <c>the --user</c>.</param>
    public LookalikeOptions(string user)
    {
        Limit = new Option<int>("--lookalikes")
        {
            Description =
                $"Warn about active sessions of users that differ from {user} only by invisible characters (alice and alice+U+200B): " +
                $"compare {user} with up to n active sessions, newest first (1,000 reads per 1,000 sessions); 0 skips the check.",
            HelpName = "n",
            DefaultValueFactory = static _ => LookalikeUsers.DefaultLimit,
            CustomParser = CommandLineValues.NumberFromTo(0, LookalikeUsers.MaxLimit, "--lookalikes", "a number of sessions"),
        };
    }

    public Option<int> Limit { get; }
}
