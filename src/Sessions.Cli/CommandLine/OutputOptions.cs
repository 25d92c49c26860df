using System.CommandLine;
using Sessions.Cli.Errors;
using Sessions.Cli.Output;

namespace Sessions.Cli.CommandLine;

/// <summary>The <c>--output human|json|csv</c> option and its alias <c>--json</c>.</summary>
internal sealed class OutputOptions
{
    public OutputOptions()
    {
        Output = new Option<string?>("--output")
        {
            Description = "How to write the sessions: human (a table, the default), json or csv.",
            HelpName = "format",
        };
        CommandLineValues.AcceptOnly(Output, "human", "json", "csv");
        Json = new Option<bool>("--json") { Description = "Same as --output json." };
    }

    public Option<string?> Output { get; }

    public Option<bool> Json { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Output);
        command.Options.Add(Json);
    }

    /// <summary>Reads the format; <c>--json</c> with another <c>--output</c> is a <see cref="UsageException"/>.</summary>
    public OutputFormat Read(ParseResult result)
    {
        var format = result.GetValue(Output) switch
        {
            "json" => OutputFormat.Json,
            "csv" => OutputFormat.Csv,
            "human" => OutputFormat.Human,
            _ => (OutputFormat?)null,
        };
        if (!result.GetValue(Json))
        {
            return format ?? OutputFormat.Human;
        }

        return format is null or OutputFormat.Json
            ? OutputFormat.Json
            : throw new UsageException($"--json is --output json; it cannot be combined with --output {result.GetValue(Output)}");
    }
}
