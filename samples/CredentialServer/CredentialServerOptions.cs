namespace Sessions.Samples.CredentialServer;

/// <summary>Settings of the credential server, bound from the <c>CredentialServer</c> configuration section.</summary>
public sealed class CredentialServerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "CredentialServer";

    /// <summary>Gets or sets who the session serves, recorded as the session's User.</summary>
    /// <value>The default value is the name of the operating-system user running the server.</value>
    public string User { get; set; } = Environment.UserName;

    /// <summary>Gets or sets the profile the server serves, recorded as the session's Profile.</summary>
    /// <value>The default value is <c>default</c>.</value>
    public string Profile { get; set; } = "default";

    /// <summary>Gets or sets this server instance's name, recorded as the session's ServerInstanceId.</summary>
    /// <value>The default value is <see langword="null"/>: the machine name and the process id.</value>
    public string? ServerInstanceId { get; set; }

    /// <summary>Gets or sets the source identity recorded with the session and passed to STS when a role is assumed.</summary>
    /// <value>The default value is empty: none.</value>
    public string SourceIdentity { get; set; } = string.Empty;

    /// <summary>Gets or sets how long the session may serve; capped by <see cref="MaxSessionDuration"/>.</summary>
    /// <value>The default value is 8 hours. Must be positive.</value>
    public TimeSpan SessionDuration { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Gets or sets the longest session this server starts, whatever <see cref="SessionDuration"/> asks for.</summary>
    /// <value>The default value is 12 hours. Must be positive.</value>
    public TimeSpan MaxSessionDuration { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Gets or sets the token a client must send in its <c>Authorization</c> header (the SDKs send the value of
    /// <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c> as it is). Keep it secret: anyone holding it gets the credentials.
    /// </summary>
    /// <value>
    /// The default value is <see langword="null"/>: the server makes a random token at start and prints the two
    /// environment lines a client needs on standard output (never to the log).
    /// </value>
    public string? AuthorizationToken { get; set; }

    /// <summary>Gets or sets the role to assume through STS for the credentials served; see <see cref="Credentials.AssumeRoleCredentialSource"/>.</summary>
    /// <value>The default value is <see langword="null"/>: use <see cref="StaticCredentials"/>.</value>
    public string? RoleArn { get; set; }

    /// <summary>Gets or sets how long each set of assumed-role credentials lasts (STS allows 15 minutes to the role's maximum).</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan RoleCredentialsDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets fixed credentials to serve when no <see cref="RoleArn"/> is set: for local tries against DynamoDB
    /// Local and for tests, never for real credentials.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public StaticCredentialsOptions? StaticCredentials { get; set; }

    /// <summary>Returns what is wrong with the settings, naming each bad setting, or an empty list.</summary>
    /// <param name="needsCredentialSettings">Whether the credential source is the configured one (no other registered), so its settings are required.</param>
    internal List<string> Validate(bool needsCredentialSettings = true)
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[] { (nameof(User), User), (nameof(Profile), Profile) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{SectionName}:{name}: must not be empty.");
            }
        }

        if (ServerInstanceId is { } instance && string.IsNullOrWhiteSpace(instance))
        {
            problems.Add($"{SectionName}:{nameof(ServerInstanceId)}: must not be empty when set.");
        }

        if (SessionDuration <= TimeSpan.Zero)
        {
            problems.Add($"{SectionName}:{nameof(SessionDuration)}: must be positive (got {SessionDuration}).");
        }

        if (MaxSessionDuration <= TimeSpan.Zero)
        {
            problems.Add($"{SectionName}:{nameof(MaxSessionDuration)}: must be positive (got {MaxSessionDuration}).");
        }

        if (AuthorizationToken is { Length: < 16 })
        {
            problems.Add($"{SectionName}:{nameof(AuthorizationToken)}: must be at least 16 characters long when set (got {AuthorizationToken.Length}).");
        }

        if (RoleCredentialsDuration < TimeSpan.FromMinutes(15) || RoleCredentialsDuration > TimeSpan.FromHours(12))
        {
            problems.Add($"{SectionName}:{nameof(RoleCredentialsDuration)}: must be between 15 minutes and 12 hours (got {RoleCredentialsDuration}).");
        }

        if (needsCredentialSettings && string.IsNullOrWhiteSpace(RoleArn) && (StaticCredentials is null
            || string.IsNullOrWhiteSpace(StaticCredentials.AccessKeyId) || string.IsNullOrWhiteSpace(StaticCredentials.SecretAccessKey)))
        {
            problems.Add($"{SectionName}:{nameof(RoleArn)}: set a role to assume, or {SectionName}:{nameof(StaticCredentials)}:AccessKeyId and :SecretAccessKey for a local try.");
        }

        return problems;
    }

    /// <summary>The session's length: <see cref="SessionDuration"/>, at most <see cref="MaxSessionDuration"/>.</summary>
    internal TimeSpan CappedSessionDuration => SessionDuration < MaxSessionDuration ? SessionDuration : MaxSessionDuration;

    /// <summary>The ServerInstanceId to record: the configured one, or the machine name and the process id.</summary>
    internal string ResolvedServerInstanceId => ServerInstanceId ?? $"{Environment.MachineName}-{Environment.ProcessId}";
}

/// <summary>Fixed credentials for <see cref="Credentials.StaticCredentialSource"/>.</summary>
public sealed class StaticCredentialsOptions
{
    /// <summary>Gets or sets the access key id served.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>Gets or sets the secret access key served.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>Gets or sets the session token served, if any.</summary>
    public string? SessionToken { get; set; }
}
