using System.CommandLine;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Cli.Errors;
using Sessions.Cli.Hosting;
using Sessions.Cli.Output;
using Sessions.DynamoDb;

namespace Sessions.Cli.Commands;

/// <summary><c>sessions table create</c> and <c>sessions table describe</c>: the session table itself.</summary>
internal static class TableCommand
{
    public static Command Create(CliContext context)
    {
        return new Command("table", "Create or describe the DynamoDB session table.")
        {
            CreateCommand(context),
            DescribeCommand(context),
        };
    }

    private static Command CreateCommand(CliContext context)
    {
        var json = CommandLineValues.JsonOption();
        var connection = new ConnectionOptions();
        var command = new Command("create", "Create the table with its indexes and TTL, unless it exists; wait until it is ACTIVE.") { json };
        connection.AddTo(command);
        command.SetAction((result, cancellationToken) => WithClientAsync(context, connection.Read(result), async (client, table) =>
        {
            await using (new ProgressLine(context.Console, $"creating table '{table}' and waiting until it is ACTIVE"))
            {
                await SessionTable.EnsureCreatedAsync(client, table, cancellationToken);
            }

            var description = await DescribeAsync(client, table, cancellationToken);
            if (!result.GetValue(json))
            {
                context.Console.Out.WriteLine($"Table '{table}' is ready.");
            }

            Write(context.Console, result.GetValue(json), description!);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command DescribeCommand(CliContext context)
    {
        var json = CommandLineValues.JsonOption();
        var connection = new ConnectionOptions();
        var command = new Command("describe", "Show the table's status, key, indexes and TTL.") { json };
        connection.AddTo(command);
        command.SetAction((result, cancellationToken) => WithClientAsync(context, connection.Read(result), async (client, table) =>
        {
            if (await DescribeAsync(client, table, cancellationToken) is not { } description)
            {
                context.Console.Error.WriteLine($"error: table '{table}' does not exist; create it with 'sessions table create --table {table}'.");
                return ExitCodes.Refused;
            }

            Write(context.Console, result.GetValue(json), description);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<int> WithClientAsync(CliContext context, StoreConnection connection, Func<IAmazonDynamoDB, string, Task<int>> action)
    {
        await using var services = context.OpenStore(connection);
        var client = services.GetService<IAmazonDynamoDB>()
            ?? throw new UsageException("table commands need a DynamoDB store, and this one has none");
        return await action(client, connection.Table);
    }

    private static async Task<TableJson?> DescribeAsync(IAmazonDynamoDB client, string table, CancellationToken cancellationToken)
    {
        TableDescription description;
        try
        {
            description = (await client.DescribeTableAsync(new DescribeTableRequest { TableName = table }, cancellationToken)).Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }

        var ttl = await DescribeTimeToLiveAsync(client, table, cancellationToken);
        return new TableJson(
            description.TableName,
            description.TableStatus?.Value,
            description.BillingModeSummary?.BillingMode?.Value ?? BillingMode.PROVISIONED.Value,
            description.ItemCount,
            Key(description.KeySchema),
            [.. (description.GlobalSecondaryIndexes ?? []).Select(i => new TableIndexJson(i.IndexName, Key(i.KeySchema), i.Projection?.ProjectionType?.Value, i.IndexStatus?.Value))],
            ttl?.AttributeName,
            ttl?.TimeToLiveStatus?.Value);
    }

    /// <summary>The table's TTL setting, or <see langword="null"/> where the server does not implement TTL (some local emulators).</summary>
    private static async Task<TimeToLiveDescription?> DescribeTimeToLiveAsync(IAmazonDynamoDB client, string table, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = table }, cancellationToken)).TimeToLiveDescription;
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode == "UnknownOperationException")
        {
            return null;
        }
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
        var indexes = new TextTable("INDEX", "KEY", "PROJECTION", "STATUS");
        foreach (var index in table.Indexes)
        {
            indexes.Add(index.Name, string.Join(", ", index.Key), SessionFormat.Text(index.Projection), SessionFormat.Text(index.Status));
        }

        output.WriteLine();
        indexes.Write(output, console.Style, "  ");
    }
}
