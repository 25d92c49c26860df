using System.CommandLine;
using Sessions.Cli.CommandLine;
using Sessions.Cli.Errors;
using Sessions.Cli.Lookalikes;
using Sessions.Cli.Output;

namespace Sessions.Cli.Commands;

/// <summary>
/// <c>sessions list</c>: sessions newest first, filtered by one key (user, status, session profile or creation time),
/// a page at a time or <c>--all</c>. Every filter is an index query; nothing scans the table. Items the store cannot read
/// are named on standard error, beside the sessions it could read, and the exit code is then 4. A list by user warns
/// about active sessions of users that differ from it only by invisible characters (<c>--lookalikes</c>).
/// </summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var user = new Option<string?>("--user") { Description = "Only this user's sessions.", HelpName = "user" };
        var status = new Option<string?>("--status") { Description = "Only sessions in this status. Without any filter: active.", HelpName = "status" };
        CommandLineValues.AcceptOnly(status, "active", "revoked", "expired");
        var sessionProfile = new Option<string?>("--session-profile")
        {
            Description = "Only sessions serving this credential profile (the session's profile; --profile is the AWS credentials profile).",
            HelpName = "profile",
        };
        var since = new Option<string?>("--since") { Description = "Only sessions created at or after this time: ISO 8601 or an age (30m, 2h, 7d).", HelpName = "time" };
        var until = new Option<string?>("--until") { Description = "Only sessions created before this time: ISO 8601 or an age (30m, 2h, 7d).", HelpName = "time" };
        var limit = new Option<int>("--limit")
        {
            Description = $"Sessions per page, 1 to {PageRequest.MaxLimit}.",
            HelpName = "n",
            DefaultValueFactory = static _ => PageRequest.DefaultLimit,
            CustomParser = CommandLineValues.NumberFromOneTo(PageRequest.MaxLimit, "--limit", "a number"),
        };
        var next = new Option<string?>("--next") { Description = "Continue a previous list: the token it printed. Use the same filters.", HelpName = "token" };
        var all = new Option<bool>("--all") { Description = "Read every page, not only the first." };
        var output = new OutputOptions();
        var lookalikes = new LookalikeOptions("the user of --user");
        var connection = new ConnectionOptions();

        var command = new Command("list", "List sessions, newest first. Filter by one of --user, --status, --session-profile or --since/--until.")
        {
            user, status, sessionProfile, since, until, limit, next, all, lookalikes.Limit,
        };
        output.AddTo(command);
        connection.AddTo(command);

        command.SetAction((result, cancellationToken) =>
        {
            var format = output.Read(result);
            var query = SessionQuery.From(
                result.GetValue(user),
                result.GetValue(status),
                result.GetValue(sessionProfile),
                result.GetValue(since),
                result.GetValue(until),
                context.Time.GetUtcNow());
            var first = new PageRequest(result.GetValue(limit), result.GetValue(next));
            var target = connection.Read(result);
            return context.WithStoreAsync(target, async store =>
            {
                var listed = result.GetValue(all)
                    ? await ReadAllAsync(context.Console, store, query, first, cancellationToken)
                    : await query.ListAsync(store, first, cancellationToken);
                Write(context.Console, format, query, listed);
                var exitCode = UnreadableItems.Write(context.Console.Error, listed.Unreadable);
                if (result.GetValue(user) is { } name)
                {
                    // A list by user shows that user exactly: active sessions of users that only look the same are named apart.
                    await LookalikeWarning.WarnAsync(context, store, name, result.GetValue(lookalikes.Limit), "not listed", "list", target.Table, cancellationToken);
                }

                return exitCode;
            });
        });
        return command;
    }

    /// <summary>Every page of the query as one last page: the sessions and the unreadable items of all pages.</summary>
    private static async Task<SessionPage> ReadAllAsync(CliConsole console, ISessionStore store, SessionQuery query, PageRequest page, CancellationToken cancellationToken)
    {
        var items = new List<ServerSession>();
        var unreadable = new List<SessionCorruptException>();
        var pages = 0;
        await using var progress = new ProgressLine(console, $"reading {query.Description}");
        while (true)
        {
            var result = await query.ListAsync(store, page, cancellationToken);
            items.AddRange(result.Items);
            unreadable.AddRange(result.Unreadable);
            pages++;
            progress.Report($"reading {query.Description}: {SessionFormat.Count(items.Count, "session")} in {SessionFormat.Count(pages, "page")}");
            if (result.ContinuationToken is null)
            {
                return new SessionPage(items, null) { Unreadable = unreadable };
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }
    }

    private static void Write(CliConsole console, OutputFormat format, SessionQuery query, SessionPage listed)
    {
        var (items, token) = (listed.Items, listed.ContinuationToken);
        switch (format)
        {
            case OutputFormat.Json:
                JsonOutput.Write(console.Out, new SessionListJson([.. items.Select(SessionRecord.From)], token));
                return;
            case OutputFormat.Csv:
                // Standard output holds the CSV and nothing else; how to go on is a note on standard error.
                CsvOutput.Write(console.Out, items);
                if (token is not null)
                {
                    console.Error.WriteLine($"More sessions follow: repeat the command with --next {SessionFormat.Text(token)}");
                }

                return;
        }

        SessionView.WriteTable(console.Out, console.Style, items);
        var count = SessionFormat.Count(items.Count, "session");
        console.Out.WriteLine(console.Style.Dim($"{count}, {query.Description}, newest first."));
        if (listed.Unreadable.Count > 0)
        {
            var unreadable = listed.Unreadable.Count;
            console.Out.WriteLine($"{SessionFormat.Count(unreadable, "item")} could not be read: {(unreadable == 1 ? "it is" : "they are")} named on standard error.");
        }

        if (token is not null)
        {
            console.Out.WriteLine($"More sessions follow: repeat the command with --next {SessionFormat.Text(token)}");
        }
    }
}
