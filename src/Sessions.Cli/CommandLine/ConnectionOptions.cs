using System.CommandLine;
using System.CommandLine.Parsing;
using Sessions.Cli.Hosting;
using Sessions.DynamoDb;

namespace Sessions.Cli.CommandLine;

/// <summary>The options that say which table a command works on and how to reach it: <c>--table</c>, <c>--endpoint</c>, <c>--region</c>, <c>--profile</c>.</summary>
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
    }

    public Option<string> Table { get; }

    public Option<Uri?> Endpoint { get; }

    public Option<string?> Region { get; }

    public Option<string?> Profile { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Table);
        command.Options.Add(Endpoint);
        command.Options.Add(Region);
        command.Options.Add(Profile);
    }

    /// <summary>Reads the connection; <paramref name="defaultTable"/> stands in when <c>--table</c> is optional and absent.</summary>
    public StoreConnection Read(ParseResult result, string? defaultTable = null) => new(
        result.GetValue(Table) ?? defaultTable ?? throw new InvalidOperationException("--table is required."),
        result.GetValue(Endpoint),
        result.GetValue(Region),
        result.GetValue(Profile));

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
