namespace Sessions.Cli.Output;

/// <summary>How <c>list</c> and <c>show</c> write sessions: a table for people, JSON or CSV for scripts.</summary>
internal enum OutputFormat
{
    /// <summary>A table (<c>list</c>) or a block of fields (<c>show</c>); styles on a terminal only.</summary>
    Human,

    /// <summary>JSON (<see cref="JsonOutput"/>).</summary>
    Json,

    /// <summary>RFC 4180 CSV with a header row (<see cref="CsvOutput"/>).</summary>
    Csv,
}
