using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using System.Globalization;
using Amazon.Runtime;

namespace Sessions.DynamoDb;

/// <summary>
/// Rewrites the items of a session table into the stored form this library writes: UTC timestamps of fixed width, no
/// <c>""</c> for unset revocation fields, a <c>version</c>, and <c>ttl</c> = ExpiresAt + retention. Items written by
/// other tools (the original Go tool, hand edits) then compare, sort and list exactly.
/// </summary>
/// <remarks>
/// Each item is rewritten with one conditional <c>UpdateItem</c> that holds only while every attribute the library
/// knows still has the value that was read, so a concurrent writer (a Touch, a Revoke, the Go tool) is never
/// overwritten: the item is read again and retried, and counted as skipped when it keeps changing. Attributes the
/// library does not know are never touched. The run scans the whole table (consistent reads, one page at a time) and
/// can resume after the last id it reported. An item that gets a <c>version</c> for the first time gets 1, so a
/// caller holding it at version 0 sees a <see cref="SessionConcurrencyException"/> and reads it again.
/// </remarks>
public static class SessionTableMigration
{
    private const string Operation = "Migrate";

    /// <summary>The retention of an item that has no <c>ttl</c> when none is given: the store's default.</summary>
    private static readonly TimeSpan DefaultRetention = new DynamoDbSessionStoreOptions().Retention;
    private const int MaxAttempts = 3;
    private const int MaxConcurrentWrites = 8;

    /// <summary>A rewrite another Region's write to the item refused (MRSC) is sent again, as the store's writes are.</summary>
    private static readonly ReplicatedWriteRetry ConflictRetry = new(TimeProvider.System);

    /// <summary>The attributes the library reads; the rewrite of an item holds only while all of them are as read.</summary>
    private static readonly string[] Known =
    [
        SessionItem.User, SessionItem.Profile, SessionItem.ServerInstanceId, SessionItem.Status, SessionItem.StartedAt,
        SessionItem.LastAccessAt, SessionItem.ExpiresAt, SessionItem.RequestCount, SessionItem.SourceIdentity, SessionItem.CreatedAt,
        SessionItem.UpdatedAt, SessionItem.RevokedBy, SessionItem.RevokedReason, SessionItem.Version, SessionItem.Ttl,
    ];

    /// <summary>Migrates every item of <paramref name="tableName"/> (or counts what would change, with <see cref="SessionTableMigrationOptions.DryRun"/>).</summary>
    /// <param name="client">The DynamoDB client.</param>
    /// <param name="tableName">The session table.</param>
    /// <param name="options">Dry run, retention, where to resume, page size; the defaults when <see langword="null"/>.</param>
    /// <param name="progress">Receives the counts so far after each page, with the id to resume after.</param>
    /// <param name="cancellationToken">Stops the run between pages and writes; resume after the last reported id.</param>
    /// <returns>What the run did: scanned, migrated, already in the stored form, skipped, and failed with ids.</returns>
    /// <exception cref="ArgumentException">A setting is out of range; nothing was read.</exception>
    /// <exception cref="SessionStoreException">A scan failed after the SDK's retries (the table is missing, access denied).</exception>
    public static async Task<SessionTableMigrationResult> MigrateAsync(
        IAmazonDynamoDB client, string tableName, SessionTableMigrationOptions? options = null, IProgress<SessionTableMigrationResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        DynamoDbSessionStoreOptions.ThrowIfInvalidTableName(tableName, nameof(tableName));
        options ??= new SessionTableMigrationOptions();
        if (options.Retention is { } retention && (retention < TimeSpan.Zero || retention > DynamoDbSessionStoreOptions.MaxRetention))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Retention, $"Retention must be between 0 and {DynamoDbSessionStoreOptions.MaxRetention.TotalDays:0} days.");
        }

        if (options.PageSize is < 1 or > 1_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PageSize, "PageSize must be between 1 and 1,000.");
        }

        if (options.StartAfterId is { Length: 0 })
        {
            throw new ArgumentException("StartAfterId must not be empty; pass null to start at the beginning.", nameof(options));
        }

        var home = HomeOf(options);

        var run = new Run(options.DryRun);
        var startKey = options.StartAfterId is { } after ? SessionItem.Key(after) : null;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken };
        do
        {
            var page = await SendAsync(tableName, null, () => client.ScanAsync(
                new ScanRequest { TableName = tableName, Limit = options.PageSize, ExclusiveStartKey = startKey, ConsistentRead = true },
                cancellationToken)).ConfigureAwait(false);
            // The library's own non-session items (the sweeper's lease) are neither counted nor touched.
            var sessions = (page.Items ?? []).Where(item => !(item.TryGetValue(SessionItem.Id, out var id) && id.S is { } s
                && s.StartsWith(SessionItem.ReservedIdPrefix, StringComparison.Ordinal)));
            await Parallel.ForEachAsync(sessions, parallel, async (item, ct) =>
                run.Count(item, await Record(() => MigrateItemAsync(client, tableName, item, options, home, ct)).ConfigureAwait(false))).ConfigureAwait(false);

            startKey = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            progress?.Report(run.Tally(startKey?[SessionItem.Id].S));
        }
        while (startKey is not null);

        return run.Tally(resumeAfterId: null);
    }

    private static async Task<(Outcome Outcome, IReadOnlyList<string> Changed, Exception? Error)> Record(Func<Task<(Outcome, IReadOnlyList<string>)>> migrate)
    {
        try
        {
            var (outcome, changed) = await migrate().ConfigureAwait(false);
            return (outcome, changed, null);
        }
        catch (SessionStoreException ex)
        {
            return (Outcome.Failed, [], ex);
        }
    }

    /// <summary>Brings one item into the stored form: read, plan, conditional write; read again and retry when another writer came first.</summary>
    private static async Task<(Outcome Outcome, IReadOnlyList<string> Changed)> MigrateItemAsync(
        IAmazonDynamoDB client, string tableName, Dictionary<string, AttributeValue> item, SessionTableMigrationOptions options, (HomeGuard Guard, string First)? home,
        CancellationToken cancellationToken)
    {
        var id = item.TryGetValue(SessionItem.Id, out var key) && key.S is { } s ? s : throw SessionItem.Corrupt(null, SessionItem.Id, "is missing or not a string");
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            // On a global table, a session is written only in its home Region: a rewrite made elsewhere could be the later
            // write that wins over one made at home meanwhile (a revocation), and undo it in every Region.
            if (home is { } h && HomeGuard.HomeOf(item, h.First) != h.Guard.Region)
            {
                return (Outcome.HomedElsewhere, []);
            }

            if (Plan(item, SessionItem.FromItem(item), options.Retention) is not var (request, changed))
            {
                return (Outcome.Canonical, []);
            }

            if (home is { } guarded)
            {
                Guard(request, guarded.Guard);
            }

            if (options.DryRun)
            {
                return (Outcome.Migrated, changed);
            }

            request.TableName = tableName;
            request.Key = SessionItem.Key(id);
            try
            {
                await SendAsync(tableName, id, () => ConflictRetry.SendAsync(c => client.UpdateItemAsync(request, c), cancellationToken)).ConfigureAwait(false);
                return (Outcome.Migrated, changed);
            }
            catch (SessionStoreException ex) when (ex.InnerException is ConditionalCheckFailedException)
            {
                var response = await SendAsync(tableName, id, () => client.GetItemAsync(
                    new GetItemRequest { TableName = tableName, Key = SessionItem.Key(id), ConsistentRead = true }, cancellationToken)).ConfigureAwait(false);
                if (response.Item is not { Count: > 0 } current)
                {
                    return (Outcome.Skipped, []);
                }

                item = current;
            }
        }

        return (Outcome.Skipped, []);
    }

    /// <summary>
    /// The <c>ttl</c> to write, or <see langword="null"/> to keep the item's: never one earlier than the item has. Without a
    /// <c>ttl</c>, ExpiresAt + the retention (1 hour when none is given); with a numeric one, ExpiresAt + the retention
    /// only when a retention is given and that lies further ahead; any other <c>ttl</c> is left alone.
    /// </summary>
    private static AttributeValue? TtlWanted(Dictionary<string, AttributeValue> item, ServerSession session, TimeSpan? retention)
    {
        if (!item.TryGetValue(SessionItem.Ttl, out var current))
        {
            return SessionItem.TtlOf(session.ExpiresAt, retention ?? DefaultRetention);
        }

        if (retention is not { } longer || !decimal.TryParse(current.N, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return null;
        }

        var wanted = SessionItem.TtlOf(session.ExpiresAt, longer);
        return decimal.Parse(wanted.N, CultureInfo.InvariantCulture) > seconds ? wanted : null;
    }

    /// <summary>The conditional rewrite of <paramref name="item"/> into the stored form of <paramref name="session"/>, or <see langword="null"/> when it is in that form.</summary>
    private static (UpdateItemRequest Request, IReadOnlyList<string> Changed)? Plan(Dictionary<string, AttributeValue> item, ServerSession session, TimeSpan? retention)
    {
        var sets = new List<(string Attribute, AttributeValue Value)>();
        var removes = new List<string>();
        void Want(string attribute, AttributeValue value)
        {
            if (!item.TryGetValue(attribute, out var current) || current.S != value.S || current.N != value.N)
            {
                sets.Add((attribute, value));
            }
        }

        Want(SessionItem.StartedAt, SessionItem.Time(session.StartedAt));
        Want(SessionItem.LastAccessAt, SessionItem.Time(session.LastAccessAt));
        Want(SessionItem.ExpiresAt, SessionItem.Time(session.ExpiresAt));
        Want(SessionItem.CreatedAt, SessionItem.Time(session.CreatedAt));
        Want(SessionItem.UpdatedAt, SessionItem.Time(session.UpdatedAt));
        if (TtlWanted(item, session, retention) is { } ttl)
        {
            sets.Add((SessionItem.Ttl, ttl));
        }
        foreach (var (attribute, value) in new[]
        {
            (SessionItem.RequestCount, SessionItem.N(session.RequestCount)),
            (SessionItem.SourceIdentity, SessionItem.S(session.SourceIdentity)),
            (SessionItem.Version, SessionItem.N(Math.Max(session.Version, 1))),
        })
        {
            if (!item.ContainsKey(attribute))
            {
                sets.Add((attribute, value));
            }
        }

        if (session.RevokedBy is null && item.ContainsKey(SessionItem.RevokedBy))
        {
            removes.Add(SessionItem.RevokedBy);
        }

        if (session.RevokedReason is null && item.ContainsKey(SessionItem.RevokedReason))
        {
            removes.Add(SessionItem.RevokedReason);
        }

        if (sets.Count == 0 && removes.Count == 0)
        {
            return null;
        }

        var names = new Dictionary<string, string>(Known.Length, StringComparer.Ordinal);
        var values = new Dictionary<string, AttributeValue>(Known.Length * 2, StringComparer.Ordinal);
        var conditions = new List<string>(Known.Length);
        for (var i = 0; i < Known.Length; i++)
        {
            names[$"#k{i}"] = Known[i];
            if (item.TryGetValue(Known[i], out var read))
            {
                values[$":o{i}"] = read;
                conditions.Add($"#k{i} = :o{i}");
            }
            else
            {
                conditions.Add($"attribute_not_exists(#k{i})");
            }
        }

        var assignments = new List<string>(sets.Count);
        foreach (var (attribute, value) in sets)
        {
            var i = Array.IndexOf(Known, attribute);
            values[$":n{i}"] = value;
            assignments.Add($"#k{i} = :n{i}");
        }

        var update = (assignments.Count > 0 ? "SET " + string.Join(", ", assignments) : string.Empty)
            + (removes.Count > 0 ? " REMOVE " + string.Join(", ", removes.Select(a => $"#k{Array.IndexOf(Known, a)}")) : string.Empty);
        var request = new UpdateItemRequest
        {
            UpdateExpression = update.Trim(),
            ConditionExpression = string.Join(" AND ", conditions),
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
        };
        return (request, [.. sets.Select(s => s.Attribute), .. removes]);
    }

    /// <summary>The Region the run writes and the home of unmarked items, or <see langword="null"/> on a table of one Region.</summary>
    /// <exception cref="ArgumentException">The Regions are set but do not work together.</exception>
    private static (HomeGuard Guard, string First)? HomeOf(SessionTableMigrationOptions options)
    {
        if (options.GlobalTableRegions is not { Count: > 0 } regions)
        {
            return options.Region is null ? null : throw new ArgumentException("Region is for a global table: set GlobalTableRegions too.", nameof(options));
        }

        var settings = new DynamoDbSessionStoreOptions { TableName = "migration", Region = options.Region, GlobalTableRegions = regions };
        if (settings.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        return (new HomeGuard(options.Region!, HomesUnmarked: options.Region == regions[0]), regions[0]);
    }

    /// <summary>Adds the home guard of a global table to a rewrite: it holds only while the session is homed in the run's Region.</summary>
    private static void Guard(UpdateItemRequest request, HomeGuard guard)
    {
        request.ConditionExpression += " AND " + guard.Condition;
        request.ExpressionAttributeNames[SessionExpressions.HomeName] = SessionItem.HomeRegion;
        request.ExpressionAttributeValues[SessionExpressions.HomeValue] = SessionItem.S(guard.Region);
        if (guard.HomesUnmarked)
        {
            request.ExpressionAttributeValues[SessionExpressions.StringTypeValue] = SessionItem.S("S");
            request.ExpressionAttributeValues[SessionExpressions.NoHomeSizeValue] = SessionItem.N(0);
        }
    }

    private static async Task<T> SendAsync<T>(string tableName, string? id, Func<Task<T>> send)
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (ReplicatedWriteConflictException conflict)
        {
            throw (SessionStoreException)DynamoDbFaults.Map(tableName, Operation, id, conflict)!;
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or TimeoutException)
        {
            throw new SessionStoreException($"DynamoDB {Operation} on table '{tableName}' failed{(id is null ? string.Empty : $" for item '{id}'")}: {ex.Message}", id, Operation, tableName, ex);
        }
    }

    private enum Outcome
    {
        Canonical,
        Migrated,
        Skipped,
        HomedElsewhere,
        Failed,
    }

    /// <summary>The counts of one run, safe to update from concurrent writes.</summary>
    private sealed class Run(bool dryRun)
    {
        private readonly ConcurrentDictionary<string, Exception> _failures = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _changed = new(StringComparer.Ordinal);
        private int _scanned;
        private int _migrated;
        private int _canonical;
        private int _skipped;
        private int _homedElsewhere;

        public void Count(Dictionary<string, AttributeValue> item, (Outcome Outcome, IReadOnlyList<string> Changed, Exception? Error) result)
        {
            Interlocked.Increment(ref _scanned);
            foreach (var attribute in result.Changed)
            {
                _changed.AddOrUpdate(attribute, 1, static (_, n) => n + 1);
            }

            switch (result.Outcome)
            {
                case Outcome.Canonical:
                    Interlocked.Increment(ref _canonical);
                    break;
                case Outcome.Migrated:
                    Interlocked.Increment(ref _migrated);
                    break;
                case Outcome.Skipped:
                    Interlocked.Increment(ref _skipped);
                    break;
                case Outcome.HomedElsewhere:
                    Interlocked.Increment(ref _homedElsewhere);
                    break;
                default:
                    _failures[item.TryGetValue(SessionItem.Id, out var id) && id.S is { } s ? s : "(no id)"] = result.Error!;
                    break;
            }
        }

        /// <summary>The counts so far, and where a resumed run would start.</summary>
        public SessionTableMigrationResult Tally(string? resumeAfterId) =>
            new(dryRun, _scanned, _migrated, _canonical, _skipped, new Dictionary<string, Exception>(_failures, StringComparer.Ordinal), resumeAfterId)
            {
                ChangedAttributes = new SortedDictionary<string, int>(_changed, StringComparer.Ordinal),
                HomedElsewhere = _homedElsewhere,
            };
    }
}
