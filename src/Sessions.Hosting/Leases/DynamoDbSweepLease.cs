using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Sessions.DynamoDb;

namespace Sessions.Hosting.Leases;

/// <summary>
/// The sweeper lease as one item of the session table, taken, renewed and released with conditional <c>UpdateItem</c>
/// requests. Its key, <see cref="Key"/>, can never be a session id (those are 16 lower-case hex digits), and it has none of
/// the index key attributes (<c>user</c>, <c>status</c>, <c>profile</c>, <c>server_instance_id</c>, <c>created_at</c>), so no
/// list ever meets it; it has no <c>ttl</c>, so DynamoDB never deletes it and the fence only grows.
/// </summary>
/// <remarks>
/// No decision reads a clock from the item: every write sets a new <see cref="VersionAttribute"/>, and a waiter judges the
/// lease lapsed when that version has stood for <see cref="DurationAttribute"/> on its own clock. <see cref="ExpiresAttribute"/>
/// is the holder's own clock plus the duration, kept for people reading the item. The answers' <c>Date</c> header gives
/// the server's clock (<see cref="ServerClockOffset"/>), which the sweeper uses to refuse to judge expiry by a clock that
/// is off.
/// </remarks>
internal sealed class DynamoDbSweepLease : ISweepLease
{
    /// <summary>The id of the lease item; on a global table with home Regions, one per Region: <c>lease#expiry-sweeper@eu-west-1</c>.</summary>
    public const string Key = "lease#expiry-sweeper";

    /// <summary>The attribute naming the instance that holds the lease (S); absent while the lease is free.</summary>
    public const string OwnerAttribute = "lease_owner";

    /// <summary>The attribute holding the fencing number (N), one larger for every new tenure.</summary>
    public const string FenceAttribute = "lease_fence";

    /// <summary>The attribute holding the record version (S), new at every write.</summary>
    public const string VersionAttribute = "lease_version";

    /// <summary>The attribute holding how long a tenure lasts after each write (N, milliseconds).</summary>
    public const string DurationAttribute = "lease_duration_ms";

    /// <summary>The attribute holding the holder's own clock at the end of its tenure (N, Unix milliseconds): for people only.</summary>
    public const string ExpiresAttribute = "lease_expires_at";

    /// <summary>The longest tenure a waiter honours, whatever the item says: a bad value cannot block the fleet for longer.</summary>
    public static readonly TimeSpan MaxHonouredDuration = SessionExpirySweeperOptions.MaxDuration;

    /// <summary>How many times a lease write is sent at most while another Region's write to the lease item refuses it.</summary>
    internal const int MaxConflictAttempts = ReplicatedWriteRetry.MaxAttempts;

    private static readonly string[] LeaseAttributes = [OwnerAttribute, FenceAttribute, VersionAttribute, DurationAttribute, ExpiresAttribute];

    private const string Take = "SET #owner = :owner, #fence = :fence, #version = :version, #duration = :duration, #expires = :until";
    private const string Renew = "SET #version = :version, #duration = :duration, #expires = :until";
    private const string Free = "REMOVE #owner SET #version = :version, #expires = :until";
    private const string Tenure = "#owner = :owner AND #fence = :fence AND #version = :held";
    private const string Absent = "attribute_not_exists(#id)";

    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["#owner"] = OwnerAttribute,
        ["#fence"] = FenceAttribute,
        ["#version"] = VersionAttribute,
        ["#duration"] = DurationAttribute,
        ["#expires"] = ExpiresAttribute,
    };

    private readonly IAmazonDynamoDB _client;
    private readonly string _tableName;
    private readonly string _key;
    private readonly TimeProvider _time;
    private readonly ReplicatedWriteRetry _conflicts;
    private readonly ResponseEventHandler _onResponse;
    private long _serverOffsetTicks;
    private int _hasServerOffset;

    /// <param name="client">The client of the table's Region.</param>
    /// <param name="tableName">The session table.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="region">
    /// On a global table with home Regions, the Region whose sweepers share this lease: each Region's fleet holds a lease
    /// item of its own, written only in its own replica, since last writer wins between Regions would let two holders
    /// each believe they won one shared item.
    /// </param>
    public DynamoDbSweepLease(IAmazonDynamoDB client, string tableName, TimeProvider? timeProvider = null, string? region = null)
    {
        _client = client;
        _tableName = tableName;
        _key = region is null ? Key : Key + "@" + region;
        _time = timeProvider ?? TimeProvider.System;
        _conflicts = new ReplicatedWriteRetry(_time);
        _onResponse = OnResponse;
    }

    /// <inheritdoc />
    public TimeSpan? ServerClockOffset =>
        Volatile.Read(ref _hasServerOffset) == 1 ? TimeSpan.FromTicks(Interlocked.Read(ref _serverOffsetTicks)) : null;

    public async Task<LeaseRecord?> ReadAsync(CancellationToken cancellationToken)
    {
        var response = await SendAsync("ReadSweeperLease", ct => _client.GetItemAsync(
            new GetItemRequest { TableName = _tableName, Key = LeaseKey(), ConsistentRead = true }, ct), cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? Parse(item) : null;
    }

    public async Task<LeaseGrant?> TryTakeAsync(string owner, TimeSpan duration, LeaseRecord? seen, DateTimeOffset wallNow, CancellationToken cancellationToken)
    {
        var fence = (seen?.Fence ?? 0) + 1;
        var version = NewVersion();
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [":owner"] = new() { S = owner },
            [":fence"] = Number(fence),
            [":version"] = new() { S = version },
            [":duration"] = Number((long)duration.TotalMilliseconds),
            [":until"] = Millis(wallNow + duration),
        };
        var condition = Unchanged(seen, values);
        var request = new UpdateItemRequest
        {
            TableName = _tableName,
            Key = LeaseKey(),
            UpdateExpression = Take,
            ConditionExpression = condition,
            ExpressionAttributeNames = condition == Absent ? new(Names, StringComparer.Ordinal) { ["#id"] = "id" } : Names,
            ExpressionAttributeValues = values,
        };
        return await TryWriteAsync("TakeSweeperLease", request, cancellationToken).ConfigureAwait(false) ? new LeaseGrant(fence, version) : null;
    }

    public async Task<string?> TryRenewAsync(SweepLease held, TimeSpan duration, DateTimeOffset wallNow, CancellationToken cancellationToken)
    {
        var version = NewVersion();
        var request = TenureRequest(held, Renew, version, wallNow + duration);
        request.ExpressionAttributeValues[":duration"] = Number((long)duration.TotalMilliseconds);
        return await TryWriteAsync("RenewSweeperLease", request, cancellationToken).ConfigureAwait(false) ? version : null;
    }

    public async Task ReleaseAsync(SweepLease held, DateTimeOffset wallNow, CancellationToken cancellationToken) =>
        // A refused condition means the tenure had ended already: nothing to release.
        await TryWriteAsync("ReleaseSweeperLease", TenureRequest(held, Free, NewVersion(), wallNow), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Reads the item leniently: whatever a hand edit or an older layout left, the result names an owner (or none), a
    /// fence and a version that changes whenever the item does, so a waiter can still judge it and take it over.
    /// </summary>
    internal static LeaseRecord Parse(Dictionary<string, AttributeValue> item)
    {
        var problems = new List<string>();
        string? owner = null;
        if (item.TryGetValue(OwnerAttribute, out var ownerValue))
        {
            owner = ownerValue.S ?? Problem(problems, OwnerAttribute, "is not a string", "(unreadable owner)");
        }

        long fence = 0;
        if (item.TryGetValue(FenceAttribute, out var fenceValue)
            && !long.TryParse(fenceValue.N ?? fenceValue.S, NumberStyles.None, CultureInfo.InvariantCulture, out fence))
        {
            problems.Add($"'{FenceAttribute}' is not a whole number");
            fence = 0;
        }
        else if (fenceValue is { N: null })
        {
            problems.Add($"'{FenceAttribute}' is a string, not a number");
        }

        TimeSpan? duration = null;
        if (item.TryGetValue(DurationAttribute, out var durationValue))
        {
            if (long.TryParse(durationValue.N, NumberStyles.None, CultureInfo.InvariantCulture, out var millis) && millis > 0)
            {
                duration = TimeSpan.FromMilliseconds(Math.Min(millis, (long)MaxHonouredDuration.TotalMilliseconds));
            }
            else
            {
                problems.Add($"'{DurationAttribute}' is not a positive number of milliseconds");
            }
        }

        var version = item.TryGetValue(VersionAttribute, out var versionValue) && versionValue.S is { Length: > 0 } text
            ? text
            : Fingerprint(item, problems, versionValue is not null);
        return new LeaseRecord(owner, fence, version, duration)
        {
            Problem = problems.Count == 0 ? null : string.Join("; ", problems),
            Stored = item,
        };
    }

    private static string Problem(List<string> problems, string attribute, string problem, string stand)
    {
        problems.Add($"'{attribute}' {problem}");
        return stand;
    }

    /// <summary>A version for an item without a readable one (an older layout, a hand edit): it changes whenever a lease attribute does.</summary>
    private static string Fingerprint(Dictionary<string, AttributeValue> item, List<string> problems, bool present)
    {
        if (present)
        {
            problems.Add($"'{VersionAttribute}' is not a non-empty string");
        }

        var text = new StringBuilder();
        foreach (var name in LeaseAttributes)
        {
            text.Append(name).Append('=');
            if (item.TryGetValue(name, out var value))
            {
                text.Append(value.S).Append('|').Append(value.N).Append('|').Append(value.BOOL).Append('|').Append(value.NULL);
            }

            text.Append('\n');
        }

        return "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 8));
    }

    /// <summary>The condition that the record is still exactly as <paramref name="seen"/>: every lease attribute as read, or still absent.</summary>
    private static string Unchanged(LeaseRecord? seen, Dictionary<string, AttributeValue> values)
    {
        if (seen?.Stored is not Dictionary<string, AttributeValue> stored)
        {
            return Absent;
        }

        var conditions = new List<string>(LeaseAttributes.Length);
        foreach (var (placeholder, attribute) in Names)
        {
            if (stored.TryGetValue(attribute, out var old))
            {
                values[":seen" + placeholder[1..]] = old;
                conditions.Add($"{placeholder} = :seen{placeholder[1..]}");
            }
            else
            {
                conditions.Add($"attribute_not_exists({placeholder})");
            }
        }

        return string.Join(" AND ", conditions);
    }

    private UpdateItemRequest TenureRequest(SweepLease held, string update, string version, DateTimeOffset until) => new()
    {
        TableName = _tableName,
        Key = LeaseKey(),
        UpdateExpression = update,
        ConditionExpression = Tenure,
        ExpressionAttributeNames = update == Free ? Names.Where(n => n.Key is not "#duration").ToDictionary(StringComparer.Ordinal) : Names,
        ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [":owner"] = new() { S = held.Owner },
            [":fence"] = Number(held.Fence),
            [":held"] = new() { S = held.Version },
            [":version"] = new() { S = version },
            [":until"] = Millis(until),
        },
    };

    /// <summary>Sends one conditional write: <see langword="true"/> when applied, <see langword="false"/> when its condition failed.</summary>
    private async Task<bool> TryWriteAsync(string operation, UpdateItemRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(operation, ct => _client.UpdateItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SessionStoreException ex) when (ex.InnerException is ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sends one request, reading the server's clock off its answer (the <c>Date</c> header) where the client is the
    /// SDK's own, and turns what the SDK or the network throws into a <see cref="SessionStoreException"/> naming the table.
    /// A request that another Region's write to the lease item refused (<see cref="ReplicatedWriteConflictException"/>, on a
    /// global table with multi-Region strong consistency) is sent again, the very same request, at most
    /// <see cref="MaxConflictAttempts"/> times in all; then it is a <see cref="SessionWriteConflictException"/>, a fault the
    /// sweeper backs off from and tries again, like any other.
    /// </summary>
    private async Task<T> SendAsync<T>(string operation, Func<CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        var service = _client as AmazonServiceClient;
        if (service is not null)
        {
            service.AfterResponseEvent += _onResponse;
        }

        try
        {
            return await _conflicts.SendAsync(send, cancellationToken).ConfigureAwait(false);
        }
        catch (ReplicatedWriteConflictException conflict)
        {
            throw new SessionWriteConflictException(
                $"Sweeper lease on table '{_tableName}': {operation} was refused each of the {MaxConflictAttempts} times it was sent: another Region "
                + "was writing the lease item at the same moment (ReplicatedWriteConflictException).", sessionId: null, operation, _tableName, conflict);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or TimeoutException
            or (OperationCanceledException and not { CancellationToken.IsCancellationRequested: true }))
        {
            var problem = ex is OperationCanceledException or TimeoutException ? "timed out" : $"failed: {ex.Message}";
            throw new SessionStoreException($"Sweeper lease on table '{_tableName}': {operation} {problem}", sessionId: null, operation, _tableName, ex);
        }
        finally
        {
            if (service is not null)
            {
                service.AfterResponseEvent -= _onResponse;
            }
        }
    }

    /// <summary>
    /// Notes how far the server's clock is from this host's: its <c>Date</c> header, which counts whole seconds and is
    /// read after the answer travelled, so the measure never puts the server ahead of where it is.
    /// </summary>
    private void OnResponse(object sender, ResponseEventArgs e)
    {
        if (e is not WebServiceResponseEventArgs { ResponseHeaders: { } headers })
        {
            return;
        }

        foreach (var (name, value) in headers)
        {
            if (string.Equals(name, "Date", StringComparison.OrdinalIgnoreCase)
                && DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var server))
            {
                Interlocked.Exchange(ref _serverOffsetTicks, (server - _time.GetUtcNow()).Ticks);
                Volatile.Write(ref _hasServerOffset, 1);
                return;
            }
        }
    }

    private static string NewVersion() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private Dictionary<string, AttributeValue> LeaseKey() => new(StringComparer.Ordinal) { ["id"] = new() { S = _key } };

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static AttributeValue Millis(DateTimeOffset at) => Number(at.ToUnixTimeMilliseconds());
}
