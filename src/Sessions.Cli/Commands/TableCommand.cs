using System.CommandLine;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Cli.CommandLine;
using Sessions.Cli.Errors;
using Sessions.Cli.Hosting;
using Sessions.Cli.Output;
using Sessions.DynamoDb;

namespace Sessions.Cli.Commands;

/// <summary><c>sessions table create</c>, <c>describe</c> and <c>migrate</c>: the session table itself.</summary>
internal static class TableCommand
{
    /// <summary>What <see cref="TableJson.Regions"/> says of a table DescribeTable reports no replica of.</summary>
    internal const string SingleRegion = "single Region";

    /// <summary>What <see cref="TableJson.Regions"/> says of a table DescribeTable reports replicas of.</summary>
    internal const string GlobalTable = "global table";

    public static Command Create(CliContext context)
    {
        return new Command("table", "Create, describe or migrate the DynamoDB session table.")
        {
            CreateCommand(context),
            DescribeCommand(context),
            MigrateCommand(context),
        };
    }

    private static Command CreateCommand(CliContext context) => TableSubcommand(
        context,
        "create",
        "Create the table with its indexes and TTL, unless it exists; wait until it is ACTIVE.",
        [],
        async (_, client, target, json, cancellationToken) =>
        {
            var table = target.Table;
            await using (new ProgressLine(context.Console, $"creating table '{table}' and waiting until it is ACTIVE"))
            {
                await SessionTable.EnsureCreatedAsync(client, table, cancellationToken);
            }

            var description = await DescribeAsync(client, table, cancellationToken);
            if (!json)
            {
                context.Console.Out.WriteLine($"Table '{table}' is ready.");
            }

            Write(context.Console, json, description!);
            return ExitCodes.Success;
        });

    private static Command DescribeCommand(CliContext context) => TableSubcommand(
        context,
        "describe",
        "Show the table's status, key, indexes, TTL and Regions (a global table's replicas and consistency mode).",
        [],
        async (_, client, target, json, cancellationToken) =>
        {
            var table = target.Table;
            if (await DescribeAsync(client, table, cancellationToken) is not { } description)
            {
                context.Console.Error.WriteLine($"error: table '{table}' does not exist; create it with 'sessions table create --table {table}'.");
                return ExitCodes.Refused;
            }

            Write(context.Console, json, description);
            return ExitCodes.Success;
        });

    private static Command MigrateCommand(CliContext context)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would change; write nothing." };
        var startAfter = new Option<string?>("--start-after")
        {
            Description = "Resume after this item id (printed when a run is interrupted). Default: the beginning; a repeated run only counts items already migrated.",
            HelpName = "id",
        };
        var retention = new Option<TimeSpan?>("--retention")
        {
            Description = "Lengthen each ttl to expiry + retention where that is later, for example 30.00:00:00. A ttl is never shortened; without this option every ttl is kept (an item without one gets expiry + 1 hour).",
            HelpName = "d.hh:mm:ss",
        };
        return TableSubcommand(
            context,
            "migrate",
            "Rewrite items written by other tools into the stored form (UTC timestamps of fixed width, no empty strings, a version, ttl), each with a conditional write that never overwrites a concurrent writer.",
            [dryRun, startAfter, retention],
            async (result, client, target, json, cancellationToken) =>
            {
                var table = target.Table;
                var options = new SessionTableMigrationOptions
                {
                    DryRun = result.GetValue(dryRun),
                    StartAfterId = result.GetValue(startAfter),
                    Retention = result.GetValue(retention),
                };
                if (target.GlobalTableRegions is { Count: > 0 } regions)
                {
                    options.Region = target.Region;
                    options.GlobalTableRegions = [.. regions];
                }

                SessionTableMigrationResult migration;
                string? resumeAfter = null;
                await using (var line = new ProgressLine(context.Console, $"{(options.DryRun ? "checking" : "migrating")} table '{table}'"))
                {
                    var progress = new SynchronousProgress<SessionTableMigrationResult>(p =>
                    {
                        resumeAfter = p.ResumeAfterId ?? resumeAfter;
                        line.Report($"{(options.DryRun ? "checking" : "migrating")} table '{table}': {SessionFormat.Count(p.Scanned)} scanned, {SessionFormat.Count(p.Migrated)} {(options.DryRun ? "to migrate" : "migrated")}");
                    });
                    try
                    {
                        migration = await SessionTableMigration.MigrateAsync(client, table, options, progress, cancellationToken);
                    }
                    catch (OperationCanceledException) when (resumeAfter is not null)
                    {
                        context.Console.Error.WriteLine($"Interrupted; resume with: sessions table migrate --table {table} --start-after {ErrorReporter.OneLine(resumeAfter)}");
                        throw;
                    }
                }

                if (json)
                {
                    JsonOutput.Write(context.Console.Out, new MigrationJson(
                        table, migration.DryRun, migration.Scanned, migration.Migrated, migration.AlreadyCanonical, migration.Skipped, migration.HomedElsewhere, migration.Failed,
                        migration.FailedIds, new Dictionary<string, int>(migration.ChangedAttributes, StringComparer.Ordinal)));
                }
                else
                {
                    context.Console.Out.WriteLine(
                        $"{(migration.DryRun ? "Would migrate" : "Migrated")} {SessionFormat.Count(migration.Migrated)} of {SessionFormat.Count(migration.Scanned, "item")} in table '{table}': "
                        + $"{SessionFormat.Count(migration.AlreadyCanonical)} already in the stored form, {SessionFormat.Count(migration.Skipped)} changed meanwhile (run again), "
                        + (target.GlobalTableRegions is { Count: > 0 } ? $"{SessionFormat.Count(migration.HomedElsewhere)} homed in another Region (run there), " : string.Empty)
                        + $"{SessionFormat.Count(migration.Failed)} failed.");
                    if (migration.ChangedAttributes.Count > 0)
                    {
                        context.Console.Out.WriteLine(
                            $"{(migration.DryRun ? "Attributes that would change" : "Attributes changed")}: {string.Join(", ", migration.ChangedAttributes.Select(a => $"{a.Key} {SessionFormat.Count(a.Value, "item")}"))}.");
                    }
                }

                foreach (var id in migration.FailedIds)
                {
                    context.Console.Error.WriteLine($"error: item '{ErrorReporter.OneLine(id)}' cannot be migrated: {ErrorReporter.OneLine(migration.Failures[id].Message)}");
                }

                return migration.Failed == 0 && migration.Skipped == 0 ? ExitCodes.Success : ExitCodes.Incomplete;
            });
    }

    /// <summary>
    /// A subcommand of <c>table</c> with <paramref name="options"/>, <c>--json</c> and the connection options, whose action
    /// runs on the DynamoDB client of the table (the parse result, client, connection and whether <c>--json</c> was given).
    /// </summary>
    private static Command TableSubcommand(
        CliContext context, string name, string description, Option[] options, Func<ParseResult, IAmazonDynamoDB, StoreConnection, bool, CancellationToken, Task<int>> action)
    {
        var json = CommandLineValues.JsonOption();
        var connection = new ConnectionOptions();
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.Options.Add(json);
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var target = connection.Read(result);
            await using var services = context.OpenStore(target);
            var client = services.GetService<IAmazonDynamoDB>()
                ?? throw new UsageException("table commands need a DynamoDB store, and this one has none");
            return await action(result, client, target, result.GetValue(json), cancellationToken);
        });
        return command;
    }

    private static async Task<TableJson?> DescribeAsync(IAmazonDynamoDB client, string table, CancellationToken cancellationToken)
    {
        if (await SessionTable.DescribeAsync(client, table, cancellationToken) is not { } description)
        {
            return null;
        }

        var ttl = await SessionTable.DescribeTimeToLiveAsync(client, table, cancellationToken);
        var replicas = (description.Replicas ?? []).Select(r => new TableRegionJson(r.RegionName, r.ReplicaStatus?.Value)).ToList();
        var witnesses = (description.GlobalTableWitnesses ?? []).Select(w => new TableRegionJson(w.RegionName, w.WitnessStatus?.Value)).ToList();
        return new TableJson(
            description.TableName,
            description.TableStatus?.Value,
            description.BillingModeSummary?.BillingMode?.Value ?? BillingMode.PROVISIONED.Value,
            description.ItemCount,
            Key(description.KeySchema),
            [.. (description.GlobalSecondaryIndexes ?? []).Select(i => new TableIndexJson(i.IndexName, Key(i.KeySchema), i.Projection?.ProjectionType?.Value, i.IndexStatus?.Value))],
            ttl?.AttributeName,
            ttl?.TimeToLiveStatus?.Value,
            replicas.Count > 0 || witnesses.Count > 0 ? GlobalTable : SingleRegion,
            description.MultiRegionConsistency?.Value,
            description.GlobalTableVersion,
            replicas,
            witnesses);
    }


    private static string[] Key(List<KeySchemaElement>? schema) =>
        [.. (schema ?? []).Select(k => $"{k.AttributeName} ({k.KeyType?.Value})")];

    private static void Write(CliConsole console, bool json, TableJson table)
    {
        if (json)
        {
            JsonOutput.Write(console.Out, table);
            return;
        }

        var output = console.Out;
        output.WriteLine(console.Style.Bold($"Table {SessionFormat.Text(table.Name)}"));
        output.WriteLine($"  status        {SessionFormat.Text(table.Status)}");
        output.WriteLine($"  billing       {SessionFormat.Text(table.BillingMode)}");
        output.WriteLine($"  items         {(table.ItemCount is { } count ? $"{SessionFormat.Count(count)} (approximate, updated about every 6 hours)" : "-")}");
        output.WriteLine($"  key           {SessionFormat.Text(string.Join(", ", table.Key))}");
        output.WriteLine($"  ttl           {(table.TimeToLiveAttribute is null ? SessionFormat.Text(table.TimeToLiveStatus) : $"{SessionFormat.Text(table.TimeToLiveAttribute)} ({SessionFormat.Text(table.TimeToLiveStatus)})")}");
        if (table.Regions == SingleRegion)
        {
            output.WriteLine($"  regions       {SingleRegion}");
        }
        else
        {
            var version = table.GlobalTableVersion is null ? string.Empty : $" (version {SessionFormat.Text(table.GlobalTableVersion)})";
            output.WriteLine($"  regions       {GlobalTable}{version}, {SessionFormat.Count(table.Replicas.Count, "replica")}"
                + (table.Witnesses.Count == 0 ? string.Empty : $" and {SessionFormat.Count(table.Witnesses.Count, "witness")}"));
            output.WriteLine($"  consistency   {(table.MultiRegionConsistency is { } mode ? $"{SessionFormat.Text(mode)} ({ConsistencyName(mode)})" : "not reported (EVENTUAL, multi-Region eventual consistency, is the default)")}");
        }

        var indexes = new TextTable("INDEX", "KEY", "PROJECTION", "STATUS");
        foreach (var index in table.Indexes)
        {
            indexes.Add(index.Name, string.Join(", ", index.Key), SessionFormat.Text(index.Projection), SessionFormat.Text(index.Status));
        }

        output.WriteLine();
        indexes.Write(output, console.Style, "  ");
        if (table.Regions == SingleRegion)
        {
            return;
        }

        var regions = new TextTable("REGION", "ROLE", "STATUS");
        foreach (var replica in table.Replicas)
        {
            regions.Add(SessionFormat.Text(replica.Region), "replica", SessionFormat.Text(replica.Status));
        }

        foreach (var witness in table.Witnesses)
        {
            regions.Add(SessionFormat.Text(witness.Region), "witness", SessionFormat.Text(witness.Status));
        }

        output.WriteLine();
        regions.Write(output, console.Style, "  ");
    }

    private static string ConsistencyName(string mode) => mode switch
    {
        "STRONG" => "multi-Region strong consistency",
        "EVENTUAL" => "multi-Region eventual consistency",
        _ => "unknown mode",
    };
}
