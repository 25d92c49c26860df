using System.CommandLine;
using System.CommandLine.Parsing;
using Sessions.Cli.Hosting;
using Sessions.DynamoDb;

namespace Sessions.Cli.CommandLine;

/// <summary>
/// The options that say which table a command works on and how to reach it: <c>--table</c>, <c>--endpoint</c>, <c>--region</c>,
/// <c>--profile</c>, and on a global table with home Regions <c>--global-table-regions</c>.
/// </summary>
internal sealed class ConnectionOptions
{
    public const string TableName = "--table";

    public ConnectionOptions(bool tableRequired = true)
    {
        Table = new Option<string>(TableName)
        {
            Description = "The DynamoDB session table.",
            HelpName = "name",
            Required = tableRequired,
        };
        Table.Validators.Add(static result =>
        {
            if (DynamoDbSessionStoreOptions.ValidateTableName(result.GetValueOrDefault<string>()) is { } problem)
            {
                result.AddError($"{TableName}: {problem}");
            }
        });
        Endpoint = new Option<Uri?>("--endpoint")
        {
            Description = "A DynamoDB-compatible server, for example http://localhost:8000 (DynamoDB Local). Default: AWS.",
            HelpName = "url",
            CustomParser = ParseEndpoint,
        };
        Region = new Option<string?>("--region")
        {
            Description = "The AWS region, for example eu-west-1. Default: the SDK's (AWS_REGION, the profile).",
            HelpName = "region",
        };
        Profile = new Option<string?>("--profile")
        {
            Description = "The AWS credentials profile. Not the session profile: filter on that with --session-profile.",
            HelpName = "aws-profile",
        };
        GlobalTableRegions = new Option<string?>("--global-table-regions")
        {
            Description = "On a global table whose sessions are homed in their Regions (GlobalTableRegions): its Regions, comma-separated, the first being "
                + "the home of sessions that name none, for example eu-west-1,us-east-1. Every write then goes to the session's home Region; --region names this one.",
            HelpName = "regions",
        };
    }

    public Option<string> Table { get; }

    public Option<Uri?> Endpoint { get; }

    public Option<string?> Region { get; }

    public Option<string?> Profile { get; }

    public Option<string?> GlobalTableRegions { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Table);
        command.Options.Add(Endpoint);
        command.Options.Add(Region);
        command.Options.Add(Profile);
        command.Options.Add(GlobalTableRegions);
        command.Validators.Add(result =>
        {
            if (RegionsOf(result.GetValue(GlobalTableRegions)) is { } regions)
            {
                var settings = new DynamoDbSessionStoreOptions { TableName = "t-t", Region = result.GetValue(Region), ServiceUrl = result.GetValue(Endpoint), GlobalTableRegions = [.. regions] };
                foreach (var problem in settings.Validate())
                {
                    // The library's message, in the names of the options that set each setting.
                    result.AddError(problem.Replace("GlobalTableRegions", "--global-table-regions", StringComparison.Ordinal)
                        .Replace("Region:", "--region:", StringComparison.Ordinal).Replace("ServiceUrl:", "--endpoint:", StringComparison.Ordinal));
                }
            }
        });
    }

    /// <summary>Reads the connection; <paramref name="defaultTable"/> stands in when <c>--table</c> is optional and absent.</summary>
    public StoreConnection Read(ParseResult result, string? defaultTable = null) => new(
        result.GetValue(Table) ?? defaultTable ?? throw new InvalidOperationException("--table is required."),
        result.GetValue(Endpoint),
        result.GetValue(Region),
        result.GetValue(Profile),
        RegionsOf(result.GetValue(GlobalTableRegions)));

    private static string[]? RegionsOf(string? list) =>
        list?.Split(',', StringSplitOptions.TrimEntries);

    private static Uri? ParseEndpoint(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && DynamoDbSessionStoreOptions.IsUsableServiceUrl(uri))
        {
            return uri;
        }

        result.AddError($"--endpoint must be an absolute http or https URL such as http://localhost:8000 (got '{text}').");
        return null;
    }
}
