using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Sessions.DynamoDb;

/// <summary>
/// The production <see cref="ISessionStore"/> on Amazon DynamoDB (low-level <see cref="IAmazonDynamoDB"/> client).
/// Every write is one conditional request; Touch is one <c>UpdateItem</c> with no read. Lists query a KEYS_ONLY index
/// and read the items with a consistent <c>BatchGetItem</c>. See <see cref="SessionTable"/> for the table layout.
/// </summary>
/// <remarks>
/// Thread-safe; register it as a singleton. Provider faults that remain after the SDK's retries surface as
/// <see cref="SessionStoreException"/> naming the table and the operation, with the SDK exception inside. A write that
/// another Region keeps refusing on a global table with multi-Region strong consistency is sent again a few times and then
/// surfaces as <see cref="SessionWriteConflictException"/>.
/// On a global table in multi-Region eventual consistency, with <see cref="DynamoDbSessionStoreOptions.GlobalTableRegions"/>
/// set, every session has a home Region (the store's <see cref="DynamoDbSessionStoreOptions.Region"/> when it creates the
/// session) and every write of it goes to that Region's replica, on condition that the session is homed there: writes of one
/// session are never made in two Regions, so last writer wins never undoes one (see <c>docs/MULTI_REGION.md</c>).
/// </remarks>
public sealed partial class DynamoDbSessionStore : ISessionStore
{
    /// <summary>
    /// How many times a write is sent: Touch and Update once for a stored-form item, then again for each judgement in
    /// code; Create, Revoke and Expire again only when the item that refused it had changed when read (created or deleted
    /// in between, where the server does not return the item with the refusal).
    /// </summary>
    private const int MaxWriteAttempts = 3;

    private static readonly string ActiveStatus = SessionStatus.Active.ToStorageString();

    private readonly string _tableName;
    /// <summary>This store's Region's replica; its <see cref="Replica.Region"/> is <see langword="null"/> on a table of one Region, where nothing is routed.</summary>
    private readonly Replica _local;
    private readonly Replica[] _others;
    private readonly string? _firstRegion;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SessionBatchReader _batchReader;
    private readonly SessionStoreInstrumentation _instrumentation;
    private readonly WriteSlots _slots = new();
    private readonly ReplicatedWriteRetry _writes;

    /// <summary>Initializes a new store on <paramref name="client"/>.</summary>
    /// <param name="client">The DynamoDB client; the caller owns it (its credentials, retries and lifetime).</param>
    /// <param name="options">The settings; <see cref="DynamoDbSessionStoreOptions.TableName"/> is required.</param>
    /// <param name="timeProvider">The clock for Touch, expiry and UpdatedAt; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where to log provider faults; nothing is logged on the hot path's success.</param>
    /// <exception cref="OptionsValidationException">A setting is invalid; the message names it.</exception>
    public DynamoDbSessionStore(
        IAmazonDynamoDB client,
        IOptions<DynamoDbSessionStoreOptions> options,
        TimeProvider? timeProvider = null,
        ILogger<DynamoDbSessionStore>? logger = null)
        : this(client, otherRegions: null, options, timeProvider, logger)
    {
    }

    /// <summary>
    /// Creates a store on a replica of a global table with home Regions: <paramref name="client"/> reaches the replica of
    /// <see cref="DynamoDbSessionStoreOptions.Region"/>, and <paramref name="otherRegions"/> the replica of every other
    /// Region of <see cref="DynamoDbSessionStoreOptions.GlobalTableRegions"/>. (The container does this itself from the
    /// Region names.)
    /// </summary>
    /// <param name="client">The client of this store's Region; the caller owns it.</param>
    /// <param name="otherRegions">A client of each other Region of the global table, by Region name; the caller owns them.</param>
    /// <param name="options">The settings; <see cref="DynamoDbSessionStoreOptions.TableName"/> is required.</param>
    /// <param name="timeProvider">The clock for Touch, expiry and UpdatedAt; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where to log provider faults; nothing is logged on the hot path's success.</param>
    /// <returns>The store.</returns>
    /// <exception cref="OptionsValidationException">A setting is invalid, or the clients do not match the Regions; the message names it.</exception>
    public static DynamoDbSessionStore ForGlobalTable(
        IAmazonDynamoDB client,
        IReadOnlyDictionary<string, IAmazonDynamoDB> otherRegions,
        IOptions<DynamoDbSessionStoreOptions> options,
        TimeProvider? timeProvider = null,
        ILogger<DynamoDbSessionStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(otherRegions);
        return new DynamoDbSessionStore(client, otherRegions, options, timeProvider, logger);
    }

    private DynamoDbSessionStore(
        IAmazonDynamoDB client,
        IReadOnlyDictionary<string, IAmazonDynamoDB>? otherRegions,
        IOptions<DynamoDbSessionStoreOptions> options,
        TimeProvider? timeProvider,
        ILogger<DynamoDbSessionStore>? logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        var problems = settings.Validate();
        problems.AddRange(DynamoDbSessionStoreOptions.ValidateOtherRegions(settings, otherRegions));
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(nameof(DynamoDbSessionStoreOptions), typeof(DynamoDbSessionStoreOptions), problems);
        }

        _tableName = settings.TableName!;
        if (settings.GlobalTableRegions.Count == 0)
        {
            _local = new Replica(null, client, new SessionRequests(_tableName, settings.Retention));
            _others = [];
        }
        else
        {
            _firstRegion = settings.GlobalTableRegions[0];
            Replica ReplicaOf(string region, IAmazonDynamoDB regionClient) =>
                new(region, regionClient, new SessionRequests(_tableName, settings.Retention, new HomeGuard(region, HomesUnmarked: region == _firstRegion)));
            _local = ReplicaOf(settings.Region!, client);
            _others = [.. settings.GlobalTableRegions.Where(r => r != settings.Region).Select(r => ReplicaOf(r, otherRegions![r]))];
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _writes = new ReplicatedWriteRetry(_timeProvider);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _batchReader = new SessionBatchReader(client, _tableName, _timeProvider, _logger);
        _instrumentation = new SessionStoreInstrumentation(_tableName, _logger, (operation, id, ex) => DynamoDbFaults.Map(_tableName, operation, id, ex));
    }

    /// <summary>Gets the name of the table the store reads and writes.</summary>
    public string TableName => _tableName;

    /// <summary>Gets the DynamoDB client the store sends its requests through (for a health check or a lease on the same table).</summary>
    public IAmazonDynamoDB Client => _local.Client;

    /// <summary>
    /// Gets the Region this store homes new sessions in, on a global table with home Regions
    /// (<see cref="DynamoDbSessionStoreOptions.GlobalTableRegions"/>); <see langword="null"/> on a table of one Region.
    /// </summary>
    public string? HomeRegion => _local.Region;

    /// <inheritdoc />
    public Task<ServerSession> CreateAsync(ServerSession session, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidNewSession(session);
        var stored = SessionRules.Created(session);
        return _instrumentation.RunAsync(SessionStoreOperations.Create, stored.Id, async ct =>
        {
            using var slot = _slots.Acquire(stored.Id);
            var request = _local.Requests.Create(stored, slot);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _writes.SendAsync(c => _local.Client.PutItemAsync(request, c), ct).ConfigureAwait(false);
                    return stored;
                }
                catch (ConditionalCheckFailedException failed)
                {
                    // The SDK's retry of a put that was applied but whose answer was lost finds its own slot number: that is
                    // success; so is the very same session written by an earlier call (a caller's retry).
                    var old = await OldRawItemAsync(_local, SessionStoreOperations.Create, stored.Id, failed, ct, anyHome: true).ConfigureAwait(false);
                    if (WriteSlots.Holds(old, slot))
                    {
                        return stored;
                    }

                    if (old is not null)
                    {
                        var existing = SessionItem.FromItem(old);
                        return SessionRules.IsCreated(existing, stored) ? existing : throw new SessionAlreadyExistsException(stored.Id);
                    }

                    // Where the server does not return the item that refused the put (dynalite), it was read afterwards and
                    // was gone: deleted in between. Neither answer can be judged from a session that is no more, so put again.
                    if (attempt == MaxWriteAttempts)
                    {
                        throw new SessionStoreException(
                            $"Session '{stored.Id}' was created and deleted by others during each of {MaxWriteAttempts} Create attempts; it was not created.",
                            stored.Id, SessionStoreOperations.Create, _tableName, innerException: null);
                    }
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ServerSession> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        return _instrumentation.RunAsync(SessionStoreOperations.Get, id, async ct =>
            await (_local.Region is null ? ReadAsync(id, ct) : ReadAtHomeAsync(id, ct)).ConfigureAwait(false) ?? throw new SessionNotFoundException(id), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ServerSession> UpdateAsync(ServerSession session, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidSession(session);
        return _instrumentation.RunAsync(SessionStoreOperations.Update, session.Id, ct => _local.Region is null
            ? UpdateAtAsync(_local, session, ct)
            : RoutedAsync(SessionStoreOperations.Update, session.Id, target => UpdateAtAsync(target, session, ct)), cancellationToken);
    }

    private async Task<ServerSession> UpdateAtAsync(Replica target, ServerSession session, CancellationToken ct)
    {
        // The stored StartedAt and ExpiresAt are compared as strings, which holds for the stored form only: an item
        // in another form fails the condition, is judged in code by its true instants, and is written on condition
        // that it still holds the very timestamps judged.
        var now = _timeProvider.GetUtcNow();
        using var slot = _slots.Acquire(session.Id);
        var request = target.Requests.Update(session, now, slot);
        for (var attempt = 1; ; attempt++)
        {
            var write = await TryUpdateAsync(target, SessionStoreOperations.Update, session.Id, request, ct).ConfigureAwait(false);
            if (write.Written is { } written)
            {
                return written;
            }

            if (WriteSlots.Holds(write.Old, slot))
            {
                return Applied(session, write.Old!, now);
            }

            var stored = write.Old is null ? null : SessionItem.FromItem(write.Old);
            if (SessionRules.RefuseUpdate(session, stored, now) is { } refused)
            {
                throw refused;
            }

            // Nothing refuses it: the item is in another form, or changed its form since it was judged (a Touch stores
            // ExpiresAt in the stored form), or was created after the refusal. Write on condition that it still holds
            // the timestamps judged now.
            if (attempt == MaxWriteAttempts)
            {
                throw new SessionStoreException(
                    $"Session '{session.Id}' changed during each of {MaxWriteAttempts} Update attempts; it was not updated.", session.Id, SessionStoreOperations.Update, _tableName, innerException: null);
            }

            request = target.Requests.UpdateJudged(session, now, write.Old!, slot);
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        return _instrumentation.RunAsync(SessionStoreOperations.Delete, id, async ct =>
        {
            if (_local.Region is null)
            {
                var request = _local.Requests.Delete(id);
                await _writes.SendAsync(c => _local.Client.DeleteItemAsync(request, c), ct).ConfigureAwait(false);
                return true;
            }

            try
            {
                return await RoutedAsync(SessionStoreOperations.Delete, id, target => DeleteAtAsync(target, id, ct)).ConfigureAwait(false);
            }
            catch (SessionNotFoundException)
            {
                // No Region holds it: removing a missing session succeeds.
                return true;
            }
        }, cancellationToken);
    }

    /// <summary>Deletes the session from <paramref name="target"/>'s replica if it is homed there; not found when the replica holds none.</summary>
    private async Task<bool> DeleteAtAsync(Replica target, string id, CancellationToken ct)
    {
        var request = target.Requests.Delete(id);
        try
        {
            var response = await _writes.SendAsync(c => target.Client.DeleteItemAsync(request, c), ct).ConfigureAwait(false);
            return response.Attributes is { Count: > 0 } ? true : throw new SessionNotFoundException(id);
        }
        catch (ConditionalCheckFailedException failed)
        {
            // Refused only for an item homed in another Region, which this throws for; an item deleted meanwhile is gone.
            _ = await OldRawItemAsync(target, SessionStoreOperations.Delete, id, failed, ct).ConfigureAwait(false);
            throw new SessionNotFoundException(id);
        }
    }

    /// <inheritdoc />
    public Task TouchAsync(string id, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        return _instrumentation.RunAsync(SessionStoreOperations.Touch, id, ct => _local.Region is null
            ? TouchAtAsync(_local, id, ct)
            : RoutedAsync(SessionStoreOperations.Touch, id, target => TouchAtAsync(target, id, ct)), cancellationToken);
    }

    private async Task<bool> TouchAtAsync(Replica target, string id, CancellationToken ct)
    {
        var now = _timeProvider.GetUtcNow();
        using var slot = _slots.Acquire(id);
        var request = target.Requests.Touch(id, now, slot);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var sent = request;
                var response = await _writes.SendAsync(c => target.Client.UpdateItemAsync(sent, c), ct).ConfigureAwait(false);
                ThrowIfNotServable(id, response.Attributes, now);
                return true;
            }
            catch (ConditionalCheckFailedException failed)
            {
                // The condition refuses every item it cannot judge as a string: judge the old item in code, by its
                // true instant. A corrupt item throws here, naming the attribute: fail closed.
                var old = await OldRawItemAsync(target, SessionStoreOperations.Touch, id, failed, ct).ConfigureAwait(false);
                if (WriteSlots.Holds(old, slot))
                {
                    // This very Touch was applied by an attempt whose answer was lost: it is counted once, and served.
                    return true;
                }

                var stored = old is null ? null : SessionItem.FromItem(old);
                if (SessionRules.RefuseTouch(id, stored, now) is { } refused)
                {
                    throw refused;
                }

                if (attempt == MaxWriteAttempts)
                {
                    throw new SessionStoreException(
                        $"Session '{id}' changed during each of {MaxWriteAttempts} Touch attempts; it was not served.", id, SessionStoreOperations.Touch, _tableName, innerException: null);
                }

                // Active and not past its true ExpiresAt: touch it while it still holds the ExpiresAt judged, and
                // store that in the stored form, so that its next Touch is one request again.
                request = target.Requests.TouchJudged(id, now, stored!.ExpiresAt, old![SessionItem.ExpiresAt], slot);
            }
        }
    }

    /// <inheritdoc />
    public Task<ServerSession> RevokeAsync(string id, string revokedBy, string reason, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        SessionArguments.ThrowIfInvalidRevoker(revokedBy, reason);
        return TransitionAsync(
            SessionStoreOperations.Revoke, id, (requests, now, slot) => requests.Revoke(id, revokedBy, reason, now, slot), stored => SessionRules.RefuseRevoke(id, stored, revokedBy, reason), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ServerSession> ExpireAsync(string id, CancellationToken cancellationToken = default)
    {
        SessionArguments.ThrowIfInvalidId(id);
        return TransitionAsync(
            SessionStoreOperations.Expire, id, (requests, now, slot) => requests.Expire(id, now, slot), stored => SessionRules.RefuseTransition(id, stored), cancellationToken);
    }

    /// <summary>
    /// Active → a terminal status in one conditional write, the request <paramref name="transition"/> builds at the current time. An item whose version is there but not a number
    /// (NULL, a string) cannot be counted up, yet must still be revocable: a second write replaces its version with 1.
    /// </summary>
    private Task<ServerSession> TransitionAsync(
        string operation, string id, Func<SessionRequests, DateTimeOffset, WriteSlots.WriteSlot, UpdateItemRequest> transition, Func<ServerSession?, SessionStoreException?> refuse,
        CancellationToken cancellationToken) =>
        _instrumentation.RunAsync(operation, id, ct => _local.Region is null
            ? TransitionAtAsync(_local, operation, id, transition, refuse, ct)
            : RoutedAsync(operation, id, target => TransitionAtAsync(target, operation, id, transition, refuse, ct)), cancellationToken);

    private async Task<ServerSession> TransitionAtAsync(
        Replica target, string operation, string id, Func<SessionRequests, DateTimeOffset, WriteSlots.WriteSlot, UpdateItemRequest> transition,
        Func<ServerSession?, SessionStoreException?> refuse, CancellationToken ct)
    {
        using var slot = _slots.Acquire(id);

        // One request for every attempt: the call's instant is when it was made, as for Touch and Update.
        var request = transition(target.Requests, _timeProvider.GetUtcNow(), slot);
        for (var attempt = 1; ; attempt++)
        {
            var write = await TryUpdateAsync(target, operation, id, request, ct).ConfigureAwait(false);
            if (write.Written is null && !WriteSlots.Holds(write.Old, slot) && HasMalformedVersion(write.Old))
            {
                write = await TryUpdateAsync(target, operation, id, target.Requests.ResettingVersion(request), ct).ConfigureAwait(false);
            }

            if (write.Written is { } written)
            {
                return written;
            }

            if (WriteSlots.Holds(write.Old, slot))
            {
                // This very transition was applied by an attempt whose answer was lost; a terminal item changes no more.
                return SessionItem.FromItem(write.Old!);
            }

            var stored = write.Old is null ? null : SessionItem.FromItem(write.Old);
            if (refuse(stored) is { } refused)
            {
                throw refused;
            }

            if (stored is { Status: not SessionStatus.Active })
            {
                // Not refused and no longer Active: the stored copy holds this very call's transition, applied by an
                // earlier attempt whose answer was lost.
                return stored;
            }

            // Active, yet the condition failed: where the server does not return the item that refused the write (dynalite),
            // it was read afterwards and had been created (again) in between. Send the transition again.
            if (attempt == MaxWriteAttempts)
            {
                throw new SessionStoreException(
                    $"Session '{id}' was created by others during each of {MaxWriteAttempts} {operation} attempts; it was not changed.", id, operation, _tableName, innerException: null);
            }
        }
    }

    /// <summary>
    /// What an Update returns when its own write turns out to have been applied by an attempt whose answer was lost: the
    /// fields it wrote, on the item as it is now, at the version it wrote.
    /// </summary>
    private static ServerSession Applied(ServerSession update, Dictionary<string, AttributeValue> current, DateTimeOffset now) =>
        SessionRules.Updated(SessionItem.FromItem(current) with { Version = update.Version }, update, now);

    /// <summary>
    /// Reads the item a Touch was applied to (its old image) as strictly as any read: a value the reader refuses is
    /// refused here too, so a damaged item is never served, even one the condition could not tell from a good one.
    /// </summary>
    private void ThrowIfNotServable(string id, Dictionary<string, AttributeValue>? old, DateTimeOffset now)
    {
        ServerSession stored;
        try
        {
            stored = SessionItem.FromItem(old ?? []);
        }
        catch (SessionCorruptException corrupt)
        {
            throw new SessionCorruptException(corrupt.SessionId ?? id, corrupt.AttributeName,
                $"{corrupt.Message} It was not served; its request count and last access were written.", SessionStoreOperations.Touch, _tableName);
        }

        if (SessionRules.RefuseTouch(id, stored, now) is { } refused)
        {
            throw refused;
        }
    }

    /// <summary>Whether an item is Active with a <c>version</c> that is there but not a number.</summary>
    private static bool HasMalformedVersion(Dictionary<string, AttributeValue>? item) =>
        item is not null
        && item.TryGetValue(SessionItem.Status, out var status) && status.S == ActiveStatus
        && item.TryGetValue(SessionItem.Version, out var version) && version.N is null;

    /// <summary>
    /// Sends one conditional <c>UpdateItem</c> of <paramref name="id"/>: the item as written (ALL_NEW) when the condition
    /// holds, else the old item the condition saw (<see langword="null"/> when there is none). A write applied to an item
    /// that then reads as corrupt throws <see cref="SessionCorruptException"/> saying that the write was applied.
    /// </summary>
    private async Task<ConditionalWrite> TryUpdateAsync(Replica target, string operation, string id, UpdateItemRequest request, CancellationToken cancellationToken)
    {
        Dictionary<string, AttributeValue> written;
        try
        {
            written = (await _writes.SendAsync(c => target.Client.UpdateItemAsync(request, c), cancellationToken).ConfigureAwait(false)).Attributes;
        }
        catch (ConditionalCheckFailedException failed)
        {
            return new ConditionalWrite(null, await OldRawItemAsync(target, operation, id, failed, cancellationToken).ConfigureAwait(false));
        }

        try
        {
            return new ConditionalWrite(SessionItem.FromItem(written), null);
        }
        catch (SessionCorruptException corrupt)
        {
            throw new SessionCorruptException(corrupt.SessionId, corrupt.AttributeName, $"{corrupt.Message} The {operation} was applied to it.");
        }
    }

    /// <summary>
    /// The item a failed condition saw in <paramref name="target"/>'s replica: from ALL_OLD in the same response, else one
    /// consistent read. On a global table, an item homed in another Region throws <see cref="HomedElsewhereException"/>
    /// (unless <paramref name="anyHome"/>): the condition failed on its home, and the write belongs there.
    /// </summary>
    private async Task<Dictionary<string, AttributeValue>?> OldRawItemAsync(
        Replica target, string operation, string id, ConditionalCheckFailedException failed, CancellationToken cancellationToken, bool anyHome = false)
    {
        var old = failed.Item is { Count: > 0 } returned ? returned : null;
        if (old is null)
        {
            Log.ReadingAfterFailedCondition(_logger, operation, _tableName, id);
            old = await ReadRawAsync(target, id, cancellationToken).ConfigureAwait(false);
        }

        if (!anyHome && old is not null && target.Region is { } region && HomeGuard.HomeOf(old, _firstRegion!) is var home && home != region)
        {
            throw new HomedElsewhereException(home);
        }

        return old;
    }

    private async Task<ServerSession?> ReadAsync(string id, CancellationToken cancellationToken) =>
        await ReadRawAsync(_local, id, cancellationToken).ConfigureAwait(false) is { } item ? SessionItem.FromItem(item) : null;

    /// <summary>The outcome of one conditional write: the item as written, or the old item that refused it (none: not found).</summary>
    private readonly record struct ConditionalWrite(ServerSession? Written, Dictionary<string, AttributeValue>? Old);
}
