using System.Text;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// Settings of the credential server, bound from the <c>CredentialServer</c> configuration section. Every setting has
/// bounds, checked at start-up; a key the section does not know stops the start too (a misspelt setting is never ignored).
/// </summary>
public sealed class CredentialServerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "CredentialServer";

    /// <summary>The shortest set of role credentials STS issues.</summary>
    public static readonly TimeSpan MinimumRoleCredentialsDuration = TimeSpan.FromMinutes(15);

    private const int MaxKeyBytes = 1024;
    private static readonly TimeSpan s_minSessionDuration = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_maxSessionDuration = TimeSpan.FromDays(30);
    private static readonly TimeSpan s_minCredentialsDuration = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_maxCredentialsDuration = TimeSpan.FromHours(12);
    private static readonly TimeSpan s_minRefusalLogInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxRefusalLogInterval = TimeSpan.FromHours(1);

    /// <summary>Gets or sets who the session serves, recorded as the session's User.</summary>
    /// <value>The default value is the name of the operating-system user running the server. 1–1,024 UTF-8 bytes.</value>
    public string User { get; set; } = Environment.UserName;

    /// <summary>Gets or sets the profile the server serves, recorded as the session's Profile.</summary>
    /// <value>The default value is <c>default</c>. 1–1,024 UTF-8 bytes.</value>
    public string Profile { get; set; } = "default";

    /// <summary>Gets or sets this server instance's name, recorded as the session's ServerInstanceId.</summary>
    /// <value>The default value is <see langword="null"/>: the machine name and the process id. 1–1,024 UTF-8 bytes when set.</value>
    public string? ServerInstanceId { get; set; }

    /// <summary>Gets or sets the source identity recorded with the session and passed to STS when a role is assumed.</summary>
    /// <value>The default value is empty: none. With a role, STS's rule applies: 2–64 characters of letters, digits and <c>_+=,.@-</c>.</value>
    public string SourceIdentity { get; set; } = string.Empty;

    /// <summary>Gets or sets how long the session may serve; capped by <see cref="MaxSessionDuration"/>.</summary>
    /// <value>The default value is 8 hours. 1 minute to 30 days.</value>
    public TimeSpan SessionDuration { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Gets or sets the longest session this server starts, whatever <see cref="SessionDuration"/> asks for.</summary>
    /// <value>The default value is 12 hours. 1 minute to 30 days.</value>
    public TimeSpan MaxSessionDuration { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Gets or sets how long each set of credentials served lasts, at most: a client refreshes before then, so this is
    /// the longest a client keeps working after its session was revoked. Never past the session's ExpiresAt.
    /// </summary>
    /// <value>The default value is 15 minutes. 1 minute to 12 hours; with <see cref="RoleArn"/> at least 15 minutes (STS's minimum).</value>
    public TimeSpan CredentialsDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Gets or sets the token a client must send in its <c>Authorization</c> header (the SDKs send the value of
    /// <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c> as it is). Keep it secret: anyone holding it gets the credentials.
    /// </summary>
    /// <value>
    /// The default value is <see langword="null"/>: the server makes a random token at start and prints the two
    /// environment lines a client needs on standard output (never to the log). When set: 16–1,024 printable ASCII
    /// characters, not beginning or ending with a space (the header's value is trimmed, so such a token never matches).
    /// </value>
    public string? AuthorizationToken { get; set; }

    /// <summary>Gets or sets the role to assume through STS for the credentials served; see <see cref="Credentials.AssumeRoleCredentialSource"/>.</summary>
    /// <value>The default value is <see langword="null"/>: use <see cref="StaticCredentials"/>. An IAM role ARN (<c>arn:PARTITION:iam::ACCOUNT:role/NAME</c>) when set.</value>
    public string? RoleArn { get; set; }

    /// <summary>
    /// Gets or sets fixed credentials to serve when no <see cref="RoleArn"/> is set: for local tries against DynamoDB
    /// Local and for tests, never for real credentials.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public StaticCredentialsOptions? StaticCredentials { get; set; }

    /// <summary>
    /// Gets or sets whether the server may listen with plain HTTP on an address other than loopback. The SDKs send the
    /// authorization token, and receive the credentials, in the clear; most accept a plain-HTTP full URI only on
    /// loopback anyway. Set it only inside a private network namespace (a pod or task sharing the sidecar's network).
    /// </summary>
    /// <value>The default value is <see langword="false"/>: plain HTTP on loopback only (HTTPS anywhere).</value>
    public bool AllowInsecureNetworkHttp { get; set; }

    /// <summary>Gets or sets how often the count of repeated refusals of one cause is logged (the first of each cause is logged at once).</summary>
    /// <value>The default value is 1 minute. 1 second to 1 hour.</value>
    public TimeSpan RefusalLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets what binding the section found wrong (a value of the wrong type, an unknown key), before any rule is checked.</summary>
    internal List<string> BindingProblems { get; } = [];

    /// <summary>Returns what is wrong with the settings, naming each bad setting, or an empty list.</summary>
    /// <param name="needsCredentialSettings">Whether the credential source is the configured one (no other registered), so its settings are required.</param>
    internal List<string> Validate(bool needsCredentialSettings = true)
    {
        if (BindingProblems.Count > 0)
        {
            // What did bind is incomplete: the rules would only add noise.
            return [.. BindingProblems];
        }

        var problems = new List<string>();
        CheckKey(problems, nameof(User), User);
        CheckKey(problems, nameof(Profile), Profile);
        if (ServerInstanceId is not null)
        {
            CheckKey(problems, nameof(ServerInstanceId), ServerInstanceId);
        }

        CheckDuration(problems, nameof(SessionDuration), SessionDuration, s_minSessionDuration, s_maxSessionDuration);
        CheckDuration(problems, nameof(MaxSessionDuration), MaxSessionDuration, s_minSessionDuration, s_maxSessionDuration);
        var hasRole = !string.IsNullOrEmpty(RoleArn);
        CheckDuration(problems, nameof(CredentialsDuration), CredentialsDuration,
            needsCredentialSettings && hasRole ? MinimumRoleCredentialsDuration : s_minCredentialsDuration, s_maxCredentialsDuration,
            needsCredentialSettings && hasRole ? " with a RoleArn (STS issues nothing shorter)" : string.Empty);
        CheckDuration(problems, nameof(RefusalLogInterval), RefusalLogInterval, s_minRefusalLogInterval, s_maxRefusalLogInterval);
        CheckToken(problems);

        if (hasRole && needsCredentialSettings)
        {
            if (!IsRoleArn(RoleArn!))
            {
                problems.Add($"{SectionName}:{nameof(RoleArn)}: must be an IAM role ARN such as arn:aws:iam::123456789012:role/NAME (got '{EscapedText.Of(RoleArn, 100)}').");
            }

            if (SourceIdentity.Length > 0 && !IsStsSourceIdentity(SourceIdentity))
            {
                problems.Add($"{SectionName}:{nameof(SourceIdentity)}: STS takes 2–64 characters of letters, digits and _+=,.@- (got '{EscapedText.Of(SourceIdentity, 100)}').");
            }
        }
        else if (Encoding.UTF8.GetByteCount(SourceIdentity) > 4096)
        {
            problems.Add($"{SectionName}:{nameof(SourceIdentity)}: must be at most 4,096 UTF-8 bytes.");
        }

        if (needsCredentialSettings && !hasRole)
        {
            if (StaticCredentials is null || string.IsNullOrEmpty(StaticCredentials.AccessKeyId) || string.IsNullOrEmpty(StaticCredentials.SecretAccessKey))
            {
                problems.Add($"{SectionName}:{nameof(RoleArn)}: set a role to assume, or {SectionName}:{nameof(StaticCredentials)}:AccessKeyId and :SecretAccessKey for a local try.");
            }
            else
            {
                StaticCredentials.Validate(problems);
            }
        }

        return problems;
    }

    /// <summary>The session's length: <see cref="SessionDuration"/>, at most <see cref="MaxSessionDuration"/>.</summary>
    internal TimeSpan CappedSessionDuration => SessionDuration < MaxSessionDuration ? SessionDuration : MaxSessionDuration;

    /// <summary>The ServerInstanceId to record: the configured one, or the machine name and the process id.</summary>
    internal string ResolvedServerInstanceId => ServerInstanceId ?? $"{Environment.MachineName}-{Environment.ProcessId}";

    private static void CheckKey(List<string> problems, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{SectionName}:{name}: must not be empty.");
        }
        else if (!IsValidUnicode(value) || Encoding.UTF8.GetByteCount(value) > MaxKeyBytes)
        {
            problems.Add($"{SectionName}:{name}: must be at most 1,024 UTF-8 bytes of valid Unicode.");
        }
    }

    private static void CheckDuration(List<string> problems, string name, TimeSpan value, TimeSpan min, TimeSpan max, string why = "")
    {
        if (value < min || value > max)
        {
            problems.Add($"{SectionName}:{name}: must be between {Describe(min)} and {Describe(max)}{why} (got {value}).");
        }
    }

    private void CheckToken(List<string> problems)
    {
        if (AuthorizationToken is not { } token)
        {
            return;
        }

        const string Name = $"{SectionName}:{nameof(AuthorizationToken)}";
        if (token.Length is < 16 or > 1024)
        {
            problems.Add($"{Name}: must be 16–1,024 characters long when set (got {token.Length}).");
        }
        else if (token.Trim().Length != token.Length)
        {
            problems.Add($"{Name}: must not begin or end with white space: clients' Authorization header is trimmed, so it could never match.");
        }
        else if (token.Any(c => c is < ' ' or > '~'))
        {
            problems.Add($"{Name}: must hold printable ASCII characters only (an HTTP header cannot carry the others as they are).");
        }
    }

    private static bool IsRoleArn(string value)
    {
        var parts = value.Split(':', 6);
        return value.Length <= 2048 && parts.Length == 6 && parts[0] == "arn" && parts[1].Length > 0 && parts[2] == "iam" && parts[3].Length == 0
            && parts[4].Length == 12 && parts[4].All(char.IsAsciiDigit) && parts[5].StartsWith("role/", StringComparison.Ordinal) && parts[5].Length > 5
            && !value.Any(char.IsWhiteSpace);
    }

    private static bool IsStsSourceIdentity(string value) =>
        value.Length is >= 2 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || "_+=,.@-".Contains(c, StringComparison.Ordinal));

    private static bool IsValidUnicode(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(TimeSpan value) =>
        value.TotalDays >= 1 && value.TotalDays % 1 == 0 ? $"{value.TotalDays:0} days"
        : value.TotalHours >= 1 && value.TotalHours % 1 == 0 ? $"{value.TotalHours:0} hours"
        : value.TotalMinutes >= 1 && value.TotalMinutes % 1 == 0 ? $"{value.TotalMinutes:0} minute{(value.TotalMinutes == 1 ? "" : "s")}"
        : $"{value.TotalSeconds:0} second{(value.TotalSeconds == 1 ? "" : "s")}";
}

/// <summary>Fixed credentials for <see cref="Credentials.StaticCredentialSource"/>.</summary>
public sealed class StaticCredentialsOptions
{
    /// <summary>Gets or sets the access key id served: 16–128 letters and digits, as AWS issues them.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>Gets or sets the secret access key served: 1–256 printable ASCII characters without spaces.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>Gets or sets the session token served, if any: at most 16,384 printable ASCII characters without spaces.</summary>
    public string? SessionToken { get; set; }

    internal void Validate(List<string> problems)
    {
        const string Prefix = $"{CredentialServerOptions.SectionName}:{nameof(CredentialServerOptions.StaticCredentials)}:";
        if (AccessKeyId is not { Length: >= 16 and <= 128 } key || !key.All(char.IsAsciiLetterOrDigit))
        {
            problems.Add($"{Prefix}{nameof(AccessKeyId)}: must be 16–128 letters and digits, as AWS issues access key ids (got {AccessKeyId?.Length ?? 0} characters).");
        }

        if (SecretAccessKey is not { Length: >= 1 and <= 256 } secret || !IsPrintableWithoutSpaces(secret))
        {
            problems.Add($"{Prefix}{nameof(SecretAccessKey)}: must be 1–256 printable ASCII characters without spaces.");
        }

        if (SessionToken is { } token && (token.Length is 0 or > 16_384 || !IsPrintableWithoutSpaces(token)))
        {
            problems.Add($"{Prefix}{nameof(SessionToken)}: must be 1–16,384 printable ASCII characters without spaces when set.");
        }
    }

    private static bool IsPrintableWithoutSpaces(string value) => value.All(c => c is > ' ' and <= '~');
}
