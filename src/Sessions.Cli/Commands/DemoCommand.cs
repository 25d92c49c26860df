using System.CommandLine;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Cli.CommandLine;
using Sessions.Cli.Demo;
using Sessions.Cli.Errors;
using Sessions.Cli.Hosting;
using Sessions.DynamoDb;

namespace Sessions.Cli.Commands;

/// <summary>
/// <c>sessions demo</c>: a credential server's session told end to end, on the embedded in-memory store, or on a
/// DynamoDB table when <c>--endpoint</c> or <c>--table</c> is given (the table is created first when missing).
/// </summary>
internal static class DemoCommand
{
    public const string DefaultTable = "sessions-demo";
    public const int DefaultRequests = 2_000;
    public const int DefaultWorkers = 8;
    private const int MaxRequests = 1_000_000;
    private const int MaxWorkers = 256;

    public static Command Create(CliContext context)
    {
        var requests = new Option<int>("--requests")
        {
            Description = $"Credential requests the clients send; the operator revokes the session after half of them (2 to {MaxRequests:N0}).",
            HelpName = "n",
            DefaultValueFactory = static _ => DefaultRequests,
        };
        var workers = new Option<int>("--workers")
        {
            Description = $"Concurrent workers of the credential server (1 to {MaxWorkers}).",
            HelpName = "n",
            DefaultValueFactory = static _ => DefaultWorkers,
        };
        var connection = new ConnectionOptions(tableRequired: false);
        connection.Table.Description = $"Run on this DynamoDB table instead of in memory (default with --endpoint: {DefaultTable}).";
        var command = new Command("demo", "Play a credential server whose session is revoked mid-run: every worker stops on its next Touch.")
        {
            requests,
            workers,
        };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var (n, w) = (result.GetValue(requests), result.GetValue(workers));
            if (w is < 1 or > MaxWorkers)
            {
                throw new UsageException($"--workers must be between 1 and {MaxWorkers} (got {w})");
            }

            if (n < 2 * w || n > MaxRequests)
            {
                throw new UsageException($"--requests must be between 2 x --workers ({2 * w}) and {MaxRequests:N0} (got {n}), so that every worker serves past the revocation");
            }

            var onDynamoDb = result.GetValue(connection.Endpoint) is not null || result.GetValue(connection.Table) is not null;
            var table = connection.Read(result, DefaultTable);
            await using var services = onDynamoDb ? context.OpenStore(table) : StoreFactory.InMemory(context.Time);
            if (onDynamoDb)
            {
                await SessionTable.EnsureCreatedAsync(services.GetRequiredService<IAmazonDynamoDB>(), table.Table, cancellationToken);
            }

            var settings = new DemoSettings(
                n,
                w,
                onDynamoDb ? $"DynamoDB table '{table.Table}' at {table.Endpoint?.ToString() ?? "AWS"}" : "in-memory (embedded)");
            var demo = new CredentialServerDemo(services.GetRequiredService<ISessionStore>(), context.Time, context.Console, settings);
            return await demo.RunAsync(cancellationToken);
        });
        return command;
    }
}
