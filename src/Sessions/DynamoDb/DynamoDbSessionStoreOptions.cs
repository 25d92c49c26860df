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

        return problems;
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
