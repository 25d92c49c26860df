using System.CommandLine;
using Sessions.Cli.CommandLine;
using Sessions.Cli.Watch;

namespace Sessions.Cli.Commands;

/// <summary>
/// <c>sessions watch</c>: a live view of the active sessions, their requests per second, and each revocation, expiry,
/// start and deletion as the next refresh sees it, and the items it cannot read. Runs until Ctrl-C, through store outages.
/// </summary>
internal static class WatchCommand
{
    public const int DefaultIntervalSeconds = 2;
    private const int MaxIntervalSeconds = 3_600;

    public static Command Create(CliContext context)
    {
        var interval = new Option<int>("--interval")
        {
            Description = $"Seconds between refreshes, 1 to {MaxIntervalSeconds}. Each refresh lists the active sessions (11 requests per 1,000 sessions).",
            HelpName = "seconds",
            DefaultValueFactory = static _ => DefaultIntervalSeconds,
            CustomParser = CommandLineValues.NumberFromOneTo(MaxIntervalSeconds, "--interval", "a whole number of seconds"),
        };
        var connection = new ConnectionOptions();
        var command = new Command(
            "watch",
            "Watch the active sessions live: requests per second, revocations and expiries as they happen. Keeps running through store outages, retrying with backoff. Ctrl-C to stop.")
        {
            interval,
        };
        connection.AddTo(command);

        command.SetAction((result, cancellationToken) =>
        {
            var target = connection.Read(result);
            return context.WithStoreAsync(target, store =>
                new SessionWatch(store, context.Time, context.Random, context.Console, target.Table, TimeSpan.FromSeconds(result.GetValue(interval))).RunAsync(cancellationToken));
        });
        return command;
    }
}
