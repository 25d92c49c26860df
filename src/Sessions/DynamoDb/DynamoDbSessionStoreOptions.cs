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
    /// Gets or sets the endpoint of a DynamoDB-compatible server (DynamoDB Local, a test server). Used only when the
    /// store builds its own client, that is when no <c>IAmazonDynamoDB</c> is registered in the container. Must be an
    /// absolute <c>http</c> or <c>https</c> URL with a host, such as <c>http://localhost:8000</c>; anything else fails
    /// validation at start-up.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the regional AWS endpoint.</value>
    public Uri? ServiceUrl { get; set; }

    /// <summary>
    /// Gets or sets the AWS region (for example <c>eu-west-1</c>) of the client the store builds. Ignored when an
    /// <c>IAmazonDynamoDB</c> is registered in the container.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the SDK's region resolution (environment, profile).</value>
    public string? Region { get; set; }

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

        return problems;
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
