using Amazon.DynamoDBv2;
using Sessions.Diagnostics;

namespace Sessions.DynamoDb;

/// <summary>Settings of the DynamoDB session store.</summary>
public sealed class DynamoDbSessionStoreOptions
{
    /// <summary>Gets or sets the name of the session table. Required: 3–255 characters of <c>[A-Za-z0-9_.-]</c>.</summary>
    /// <value>The default value is <see langword="null"/>, which fails validation.</value>
    public string? TableName { get; set; }

    /// <summary>
    /// Gets or sets how long a session's item is kept after its ExpiresAt before DynamoDB TTL may delete it
    /// (<c>ttl</c> = ExpiresAt + Retention). DynamoDB deletes expired items within days, not at once.
    /// </summary>
    /// <value>The default value is 1 hour. Must not be negative, nor more than <see cref="MaxRetention"/>.</value>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets the longest <see cref="Retention"/>: 100 years (36,500 days), well before ExpiresAt plus Retention leaves the calendar.</summary>
    public static TimeSpan MaxRetention { get; } = TimeSpan.FromDays(36_500);

    /// <summary>
    /// Gets or sets the endpoint of a DynamoDB-compatible server (DynamoDB Local, a test server) for the client the store
    /// builds when no <c>IAmazonDynamoDB</c> is registered in the container. Must be an absolute <c>http</c> or
    /// <c>https</c> URL with a host, such as <c>http://localhost:8000</c>. Beside a registered client it must name that
    /// client's endpoint: a setting the store would ignore fails validation at start-up.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the regional AWS endpoint.</value>
    public Uri? ServiceUrl { get; set; }

    /// <summary>
    /// Gets or sets the AWS region of the client the store builds when no <c>IAmazonDynamoDB</c> is registered in the
    /// container: a region name such as <c>eu-west-1</c> (lower-case letters in hyphen-separated words ending in a
    /// number, at most <see cref="MaxRegionLength"/> characters). Beside a registered client it must name that client's
    /// region: a setting the store would ignore fails validation at start-up.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the SDK's region resolution (environment, profile).</value>
    public string? Region { get; set; }

    /// <summary>Gets the longest <see cref="Region"/> name accepted: 32 characters, well above every AWS region's.</summary>
    public static int MaxRegionLength => 32;

    /// <summary>
    /// Gets or sets the Regions of the global table whose replica the session table is, when it is one in multi-Region
    /// eventual consistency (MREC) and sessions are written in more than one Region. Setting it turns on home Regions:
    /// the store homes each session it creates in <see cref="Region"/> (which must be in the list) and sends every write
    /// of a session to its home Region's replica, on condition that the session is homed there, so that last writer wins
    /// between Regions can never undo a revocation. Sessions written without a home (before this was set, or by other
    /// tools) are homed in the first Region of the list. The store needs a client of every Region: the container builds
    /// them (from the Region names, with the same credentials), or pass them to the store's constructor. Not needed on a
    /// table of one Region, nor on a global table in multi-Region strong consistency (MRSC). See <c>docs/MULTI_REGION.md</c>.
    /// </summary>
    /// <value>The default value is empty: a table of one Region, or writes in one Region only.</value>
    public IList<string> GlobalTableRegions { get; set; } = [];

    /// <summary>Gets the most <see cref="GlobalTableRegions"/> accepted: 64.</summary>
    public static int MaxGlobalTableRegions => 64;

    internal static void ThrowIfInvalidTableName(string? tableName, string paramName = "tableName")
    {
        if (ValidateTableName(tableName) is { } problem)
        {
            throw new ArgumentException(problem, paramName);
        }
    }

    /// <summary>Returns what is wrong with the settings, naming each bad setting, or an empty list.</summary>
    internal List<string> Validate()
    {
        var problems = new List<string>();
        if (ValidateTableName(TableName) is { } problem)
        {
            problems.Add($"{nameof(TableName)}: {problem}");
        }

        if (Retention < TimeSpan.Zero)
        {
            problems.Add($"{nameof(Retention)}: must not be negative (got {Retention}).");
        }
        else if (Retention > MaxRetention)
        {
            problems.Add($"{nameof(Retention)}: must be at most {MaxRetention.TotalDays:0} days (got {Retention}); ExpiresAt plus Retention must stay a date.");
        }

        if (ServiceUrl is { } serviceUrl && !IsUsableServiceUrl(serviceUrl))
        {
            problems.Add($"{nameof(ServiceUrl)}: must be an absolute http or https URL such as http://localhost:8000 (got '{VisibleText.Escape(serviceUrl.OriginalString)}').");
        }

        if (Region is { } region && !IsRegionName(region))
        {
            problems.Add($"{nameof(Region)}: must be an AWS region name such as eu-west-1 or us-gov-west-1 (got '{VisibleText.Escape(region)}').");
        }

        ValidateGlobalTableRegions(problems);
        return problems;
    }

    /// <summary>
    /// Returns what is wrong with the clients of the other Regions given to the store beside its own: one for each Region
    /// of <see cref="GlobalTableRegions"/> but <see cref="Region"/>, and none for any other.
    /// </summary>
    internal static List<string> ValidateOtherRegions(DynamoDbSessionStoreOptions options, IReadOnlyDictionary<string, IAmazonDynamoDB>? otherRegions)
    {
        var problems = new List<string>();
        var expected = (options.GlobalTableRegions ?? []).Where(r => r != options.Region).ToHashSet(StringComparer.Ordinal);
        foreach (var (region, client) in otherRegions ?? new Dictionary<string, IAmazonDynamoDB>())
        {
            if (!expected.Remove(region))
            {
                problems.Add($"{nameof(GlobalTableRegions)}: the store was given a client of Region '{VisibleText.Escape(region)}', which is not another Region of the list.");
            }
            else if (client is null)
            {
                problems.Add($"{nameof(GlobalTableRegions)}: the client of Region '{VisibleText.Escape(region)}' is null.");
            }
        }

        foreach (var region in expected)
        {
            problems.Add($"{nameof(GlobalTableRegions)}: the store needs a client of Region '{VisibleText.Escape(region)}' beside its own.");
        }

        return problems;
    }

    private void ValidateGlobalTableRegions(List<string> problems)
    {
        if (GlobalTableRegions is null)
        {
            problems.Add($"{nameof(GlobalTableRegions)}: must be a list (empty for a table of one Region).");
            return;
        }

        if (GlobalTableRegions.Count == 0)
        {
            return;
        }

        if (GlobalTableRegions.Count > MaxGlobalTableRegions)
        {
            problems.Add($"{nameof(GlobalTableRegions)}: at most {MaxGlobalTableRegions} Regions (got {GlobalTableRegions.Count}).");
            return;
        }

        foreach (var name in GlobalTableRegions)
        {
            if (name is null || !IsRegionName(name))
            {
                problems.Add($"{nameof(GlobalTableRegions)}: each must be an AWS region name such as eu-west-1 (got '{VisibleText.Escape(name ?? "null")}').");
            }
        }

        if (GlobalTableRegions.Where(r => r is not null).GroupBy(r => r, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            problems.Add($"{nameof(GlobalTableRegions)}: names Region '{VisibleText.Escape(twice.Key)}' twice.");
        }

        if (Region is null)
        {
            problems.Add($"{nameof(Region)}: is required with {nameof(GlobalTableRegions)}: the Region whose replica this store writes new sessions in.");
        }
        else if (!GlobalTableRegions.Contains(Region))
        {
            problems.Add($"{nameof(Region)}: must be one of {nameof(GlobalTableRegions)} ({string.Join(", ", GlobalTableRegions.Select(r => VisibleText.Escape(r ?? "null")))}; got '{VisibleText.Escape(Region)}').");
        }

        if (ServiceUrl is not null && GlobalTableRegions.Count > 1)
        {
            problems.Add($"{nameof(ServiceUrl)}: names one server, but {nameof(GlobalTableRegions)} has {GlobalTableRegions.Count} Regions; give the store a client of each Region instead.");
        }
    }

    /// <summary>
    /// Whether <paramref name="region"/> has the shape of an AWS region name: lower-case ASCII words joined by hyphens,
    /// at least two of them before a last one of one or two digits (<c>eu-west-1</c>, <c>us-gov-west-1</c>,
    /// <c>ap-southeast-7</c>), at most <see cref="MaxRegionLength"/> characters.
    /// </summary>
    internal static bool IsRegionName(string region)
    {
        if (region.Length > MaxRegionLength)
        {
            return false;
        }

        var parts = region.Split('-');
        if (parts.Length < 3 || parts[^1].Length is < 1 or > 2 || !parts[^1].All(char.IsAsciiDigit))
        {
            return false;
        }

        return parts[..^1].All(word => word.Length > 0 && word.All(char.IsAsciiLetterLower));
    }

    /// <summary>Whether <paramref name="url"/> can reach a DynamoDB-compatible server: absolute, http or https, with a host.</summary>
    internal static bool IsUsableServiceUrl(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.Host.Length > 0;

    /// <summary>Returns what is wrong with a table name (DynamoDB's rules: 3–255 characters of <c>[A-Za-z0-9_.-]</c>), or <see langword="null"/>.</summary>
    internal static string? ValidateTableName(string? tableName)
    {
        if (string.IsNullOrEmpty(tableName))
        {
            return "a table name is required.";
        }

        if (tableName.Length is < 3 or > 255)
        {
            return $"a table name is 3 to 255 characters long (got {tableName.Length}).";
        }

        foreach (var c in tableName)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-' and not '.')
            {
                return $"a table name holds only letters, digits, '_', '-' and '.' (got '{VisibleText.Escape(tableName)}').";
            }
        }

        return null;
    }
}
