using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Sessions.Paging;
using static Sessions.DynamoDb.SessionExpressions;

namespace Sessions.DynamoDb;

/// <summary>
/// Builds every request the DynamoDB store sends to its table: the expressions of <see cref="SessionExpressions"/>
/// with each name bound in ExpressionAttributeNames and each value in ExpressionAttributeValues, no more and no less.
/// Conditional writes ask for the old item on a failed condition (ALL_OLD), to name the failure in one round trip.
/// On a global table with home Regions (<see cref="HomeGuard"/>), each instance builds the requests of one Region's
/// replica: every write also requires that the session is homed there, and Create homes the new session there.
/// </summary>
internal sealed class SessionRequests
{
    private static readonly AttributeValue One = SessionItem.N(1);
    private static readonly AttributeValue Zero = SessionItem.N(0);
    private static readonly AttributeValue ActiveStatus = SessionItem.S(SessionStatus.Active.ToStorageString());
    private static readonly AttributeValue TimestampLength = SessionItem.N(SessionTimestamp.Length);
    private static readonly AttributeValue Tee = SessionItem.S("T");
    private static readonly AttributeValue Zed = SessionItem.S("Z");
    private static readonly AttributeValue NumberType = SessionItem.S("N");
    private static readonly AttributeValue MaxCount = SessionItem.N(long.MaxValue);
    private static readonly AttributeValue StringType = SessionItem.S("S");

    private static readonly Dictionary<string, string> CreateNames = Names((IdName, SessionItem.Id));
    private static readonly Dictionary<string, string> TouchNames = Names(
        (LastAccessName, SessionItem.LastAccessAt), (CountName, SessionItem.RequestCount), (StatusName, SessionItem.Status), (ExpiresName, SessionItem.ExpiresAt),
        (VersionName, SessionItem.Version));
    private static readonly Dictionary<string, string> ExpireNames = Names(
        (StatusName, SessionItem.Status), (UpdatedName, SessionItem.UpdatedAt), (VersionName, SessionItem.Version));
    private static readonly Dictionary<string, string> RevokeNames = Names(
        (StatusName, SessionItem.Status), (UpdatedName, SessionItem.UpdatedAt), (VersionName, SessionItem.Version),
        (RevokedByName, SessionItem.RevokedBy), (RevokedReasonName, SessionItem.RevokedReason));
    private static readonly Dictionary<string, string> UpdateNames = Names(
        (StatusName, SessionItem.Status), (ExpiresName, SessionItem.ExpiresAt), (SourceName, SessionItem.SourceIdentity),
        (UpdatedName, SessionItem.UpdatedAt), (TtlName, SessionItem.Ttl), (VersionName, SessionItem.Version),
        (RevokedByName, SessionItem.RevokedBy), (RevokedReasonName, SessionItem.RevokedReason), (StartedName, SessionItem.StartedAt));
    private static readonly Dictionary<string, string> InstanceNames = Names(
        (PartitionName, SessionItem.ServerInstanceId), (StatusName, SessionItem.Status), (IdName, SessionItem.Id));

    private readonly string _tableName;
    private readonly TimeSpan _retention;
    private readonly HomeGuard? _home;
    private readonly AttributeValue? _homeValue;
    private readonly string _touchCondition;
    private readonly string _touchSeenCondition;
    private readonly string _isActive;
    private readonly string _isActiveWithMalformedVersion;

    /// <summary>
    /// Initializes the requests of <paramref name="tableName"/>, whose items keep <paramref name="retention"/> past
    /// ExpiresAt (ttl), in the replica of <paramref name="home"/>'s Region when there is one.
    /// </summary>
    public SessionRequests(string tableName, TimeSpan retention, HomeGuard? home = null)
    {
        _tableName = tableName;
        _retention = retention;
        _home = home;
        _homeValue = home is null ? null : SessionItem.S(home.Region);
        _touchCondition = Guarded(TouchCondition);
        _touchSeenCondition = Guarded(TouchSeenCondition);
        _isActive = Guarded(IsActive);
        _isActiveWithMalformedVersion = Guarded(IsActiveWithMalformedVersion);
    }

    /// <summary>Gets the Region whose replica these requests write, or <see langword="null"/> when the table has one Region.</summary>
    public HomeGuard? Home => _home;

    /// <summary>Create: puts the stored copy with the writer slot's number, only when no item has its id.</summary>
    public PutItemRequest Create(ServerSession stored, WriteSlots.WriteSlot slot)
    {
        var item = SessionItem.ToItem(stored, _retention);
        item[slot.Attribute] = slot.Number;
        if (_homeValue is not null)
        {
            item[SessionItem.HomeRegion] = _homeValue;
        }

        return new PutItemRequest
        {
            TableName = _tableName,
            Item = item,
            ConditionExpression = NotExists,
            ExpressionAttributeNames = CreateNames,
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };
    }

    /// <summary>A strongly consistent read of one item.</summary>
    public GetItemRequest Get(string id) => new() { TableName = _tableName, Key = SessionItem.Key(id), ConsistentRead = true };

    /// <summary>
    /// Delete: unconditional, so idempotent. In a Region's replica of a global table: only of nothing or of a session
    /// homed there, and the deleted item comes back (ALL_OLD), to tell whether there was one.
    /// </summary>
    public DeleteItemRequest Delete(string id)
    {
        var request = new DeleteItemRequest { TableName = _tableName, Key = SessionItem.Key(id) };
        if (_home is not null)
        {
            request.ConditionExpression = NothingOr + _home.Condition;
            request.ExpressionAttributeNames = GuardNames(Names((IdName, SessionItem.Id)));
            request.ExpressionAttributeValues = GuardValues(new Dictionary<string, AttributeValue>(StringComparer.Ordinal));
            request.ReturnValues = ReturnValue.ALL_OLD;
            request.ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD;
        }

        return request;
    }

    /// <summary>
    /// Touch of an item in the stored form: stamp, count and mark the writer slot, only while Active and not past
    /// ExpiresAt, and only once per slot number. The old item comes back (ALL_OLD), to be read as strictly as any read.
    /// </summary>
    public UpdateItemRequest Touch(string id, DateTimeOffset now, WriteSlots.WriteSlot slot) =>
        Write(id, SessionExpressions.Touch, _touchCondition, WithSlot(TouchNames, slot), new(9, StringComparer.Ordinal)
        {
            [NowValue] = SessionItem.Time(now),
            [OneValue] = One,
            [ActiveValue] = ActiveStatus,
            [TimestampLengthValue] = TimestampLength,
            [TeeValue] = Tee,
            [ZedValue] = Zed,
            [NumberTypeValue] = NumberType,
            [MaxCountValue] = MaxCount,
            [SlotValue] = slot.Number,
        }, ReturnValue.ALL_OLD);

    /// <summary>
    /// Touch of an item judged in code by its true ExpiresAt: stamp, count and store <paramref name="expiresAt"/> in the
    /// stored form, only while the item still holds <paramref name="seenExpires"/>, the attribute as judged.
    /// </summary>
    public UpdateItemRequest TouchJudged(string id, DateTimeOffset now, DateTimeOffset expiresAt, AttributeValue seenExpires, WriteSlots.WriteSlot slot) =>
        Write(id, TouchRewritingExpiry, _touchSeenCondition, WithSlot(TouchNames, slot), new(8, StringComparer.Ordinal)
        {
            [NowValue] = SessionItem.Time(now),
            [OneValue] = One,
            [ActiveValue] = ActiveStatus,
            [NumberTypeValue] = NumberType,
            [ExpiresValue] = SessionItem.Time(expiresAt),
            [SeenExpiresValue] = seenExpires,
            [MaxCountValue] = MaxCount,
            [SlotValue] = slot.Number,
        }, ReturnValue.ALL_OLD);

    /// <summary>
    /// Update of the mutable fields, on condition that the item is Active at <paramref name="session"/>'s version, its
    /// StartedAt before the new ExpiresAt and, for a session that stays Active, its ExpiresAt not passed (compared as
    /// strings: the stored form only; see <see cref="UpdateJudged"/>).
    /// </summary>
    public UpdateItemRequest Update(ServerSession session, DateTimeOffset now, WriteSlots.WriteSlot slot)
    {
        var values = UpdateValues(session, now, slot);
        values[TimestampLengthValue] = TimestampLength;
        values[TeeValue] = Tee;
        values[ZedValue] = Zed;
        var condition = Guarded(Versioned(session) + UpdateAfterStart + (session.Status == SessionStatus.Active ? UpdateNotExpired : string.Empty));
        return Write(session.Id, UpdateExpressionFor(session, values), condition, WithSlot(UpdateNames, slot), values, ReturnValue.ALL_NEW);
    }

    /// <summary>Update of an item judged in code by its true instants: only while it still holds the StartedAt and ExpiresAt of <paramref name="old"/>.</summary>
    public UpdateItemRequest UpdateJudged(ServerSession session, DateTimeOffset now, Dictionary<string, AttributeValue> old, WriteSlots.WriteSlot slot)
    {
        var values = UpdateValues(session, now, slot);
        values[SeenStartedValue] = old[SessionItem.StartedAt];
        values[SeenExpiresValue] = old[SessionItem.ExpiresAt];
        return Write(session.Id, UpdateExpressionFor(session, values), Guarded(Versioned(session) + UpdateSeen), WithSlot(UpdateNames, slot), values, ReturnValue.ALL_NEW);
    }

    /// <summary>Revoke: Active → Revoked with who and why, counting the version up (from 0 on an item without one).</summary>
    public UpdateItemRequest Revoke(string id, string revokedBy, string reason, DateTimeOffset now, WriteSlots.WriteSlot slot)
    {
        var values = TransitionValues(SessionStatus.Revoked, now, slot);
        values[RevokedByValue] = SessionItem.S(revokedBy);
        values[RevokedReasonValue] = SessionItem.S(reason);
        return Write(id, SessionExpressions.Revoke, _isActive, WithSlot(RevokeNames, slot), values, ReturnValue.ALL_NEW);
    }

    /// <summary>Expire: Active → Expired, counting the version up (from 0 on an item without one).</summary>
    public UpdateItemRequest Expire(string id, DateTimeOffset now, WriteSlots.WriteSlot slot) =>
        Write(id, Transition, _isActive, WithSlot(ExpireNames, slot), TransitionValues(SessionStatus.Expired, now, slot), ReturnValue.ALL_NEW);

    /// <summary>
    /// The same transition as <paramref name="transition"/> (<see cref="Revoke"/> or <see cref="Expire"/>) for an Active
    /// item whose version is there but not a number (NULL, a string): the version starts again at 1.
    /// </summary>
    public UpdateItemRequest ResettingVersion(UpdateItemRequest transition)
    {
        var values = new Dictionary<string, AttributeValue>(transition.ExpressionAttributeValues, StringComparer.Ordinal);
        values.Remove(ZeroValue);
        return new UpdateItemRequest
        {
            TableName = transition.TableName,
            Key = transition.Key,
            UpdateExpression = transition.UpdateExpression == SessionExpressions.Revoke ? RevokeResettingVersion : TransitionResettingVersion,
            ConditionExpression = _isActiveWithMalformedVersion,
            ExpressionAttributeNames = transition.ExpressionAttributeNames,
            ExpressionAttributeValues = values,
            ReturnValues = transition.ReturnValues,
            ReturnValuesOnConditionCheckFailure = transition.ReturnValuesOnConditionCheckFailure,
        };
    }

    /// <summary>
    /// One page of keys from the partition <paramref name="partitionValue"/> of an index, newest first, after
    /// <paramref name="cursor"/>, and within <paramref name="range"/> of created_at when there is one.
    /// </summary>
    public QueryRequest IndexPage(
        string indexName, string partitionAttribute, string partitionValue, PageCursor cursor, int limit, (AttributeValue From, AttributeValue To)? range)
    {
        var values = new Dictionary<string, AttributeValue>(3, StringComparer.Ordinal) { [PartitionValue] = SessionItem.S(partitionValue) };
        if (range is { } bounds)
        {
            values[FromValue] = bounds.From;
            values[ToValue] = bounds.To;
        }

        var request = new QueryRequest
        {
            TableName = _tableName,
            IndexName = indexName,
            KeyConditionExpression = range is null ? PartitionKey : StatusCreatedBetween,
            ExpressionAttributeNames = Names((PartitionName, partitionAttribute), (IdName, SessionItem.Id), (CreatedName, SessionItem.CreatedAt)),
            ExpressionAttributeValues = values,
            ProjectionExpression = KeysOnly,
            ScanIndexForward = false,
            Limit = limit,
        };
        if (cursor.State == PageCursorState.After)
        {
            // The partition comes from the query, never from the token: a token cannot reach another partition.
            request.ExclusiveStartKey = new Dictionary<string, AttributeValue>(3, StringComparer.Ordinal)
            {
                [SessionItem.Id] = SessionItem.S(cursor.Id!),
                [partitionAttribute] = SessionItem.S(partitionValue),
                [SessionItem.CreatedAt] = SessionItem.S(cursor.CreatedAt!),
            };
        }

        return request;
    }

    /// <summary>The ids of a server instance's Active sessions, by key condition on the instance index (never a filter).</summary>
    public QueryRequest ActiveOfInstance(string serverInstanceId, Dictionary<string, AttributeValue>? startKey) => new()
    {
        TableName = _tableName,
        IndexName = SessionTable.ServerInstanceIndex,
        KeyConditionExpression = InstanceActive,
        ExpressionAttributeNames = InstanceNames,
        ExpressionAttributeValues = new Dictionary<string, AttributeValue>(2, StringComparer.Ordinal)
        {
            [PartitionValue] = SessionItem.S(serverInstanceId),
            [ActiveValue] = ActiveStatus,
        },
        ProjectionExpression = IdName,
        ExclusiveStartKey = startKey,
    };

    private UpdateItemRequest Write(
        string id, string update, string condition, Dictionary<string, string> names, Dictionary<string, AttributeValue> values, ReturnValue returnValues) => new()
    {
        TableName = _tableName,
        Key = SessionItem.Key(id),
        UpdateExpression = update,
        ConditionExpression = condition,
        ExpressionAttributeNames = names,
        ExpressionAttributeValues = GuardValues(values),
        ReturnValues = returnValues,
        ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
    };

    /// <summary>A write's condition, plus the home guard in a Region's replica of a global table.</summary>
    private string Guarded(string condition) => _home is null ? condition : condition + " AND " + _home.Condition;

    /// <summary>Binds the home guard's name, in a Region's replica of a global table.</summary>
    private Dictionary<string, string> GuardNames(Dictionary<string, string> names)
    {
        if (_home is not null)
        {
            names[HomeName] = SessionItem.HomeRegion;
        }

        return names;
    }

    /// <summary>Binds the home guard's values, in a Region's replica of a global table.</summary>
    private Dictionary<string, AttributeValue> GuardValues(Dictionary<string, AttributeValue> values)
    {
        if (_home is not null)
        {
            values[HomeValue] = _homeValue!;
            if (_home.HomesUnmarked)
            {
                values[StringTypeValue] = StringType;
                values[NoHomeSizeValue] = Zero;
            }
        }

        return values;
    }

    private Dictionary<string, AttributeValue> UpdateValues(ServerSession session, DateTimeOffset now, WriteSlots.WriteSlot slot)
    {
        var values = new Dictionary<string, AttributeValue>(17, StringComparer.Ordinal)
        {
            [SlotValue] = slot.Number,
            [StatusValue] = SessionItem.S(session.Status.ToStorageString()),
            [ExpiresValue] = SessionItem.Time(session.ExpiresAt),
            [SourceValue] = SessionItem.S(session.SourceIdentity),
            [NowValue] = SessionItem.Time(now),
            [TtlValue] = SessionItem.TtlOf(session.ExpiresAt, _retention),
            [NextVersionValue] = SessionItem.N(session.Version + 1),
            [ActiveValue] = ActiveStatus,
        };
        if (session.Version != 0)
        {
            values[VersionValue] = SessionItem.N(session.Version);
        }

        return values;
    }

    /// <summary>Items written without a version read as version 0 and are updated on condition that they still have none.</summary>
    private static string Versioned(ServerSession session) => session.Version == 0 ? UpdateUnversioned : UpdateVersioned;

    private static Dictionary<string, AttributeValue> TransitionValues(SessionStatus target, DateTimeOffset now, WriteSlots.WriteSlot slot) => new(9, StringComparer.Ordinal)
    {
        [SlotValue] = slot.Number,
        [StatusValue] = SessionItem.S(target.ToStorageString()),
        [NowValue] = SessionItem.Time(now),
        [ZeroValue] = Zero,
        [OneValue] = One,
        [ActiveValue] = ActiveStatus,
        [NumberTypeValue] = NumberType,
    };

    /// <summary>Binds the revocation fields the session has and picks the expression that sets those and removes the others.</summary>
    private static string UpdateExpressionFor(ServerSession session, Dictionary<string, AttributeValue> values)
    {
        if (session.RevokedBy is not null)
        {
            values[RevokedByValue] = SessionItem.S(session.RevokedBy);
        }

        if (session.RevokedReason is not null)
        {
            values[RevokedReasonValue] = SessionItem.S(session.RevokedReason);
        }

        return (session.RevokedBy, session.RevokedReason) switch
        {
            (null, null) => UpdateRemovingRevocation,
            (not null, null) => UpdateSettingRevokedBy,
            (null, not null) => UpdateSettingRevokedReason,
            _ => UpdateSettingRevocation,
        };
    }

    /// <summary>The names of a write plus its writer slot's attribute (and the home guard's).</summary>
    private Dictionary<string, string> WithSlot(Dictionary<string, string> names, WriteSlots.WriteSlot slot) =>
        GuardNames(new(names, StringComparer.Ordinal) { [SlotName] = slot.Attribute });

    private static Dictionary<string, string> Names(params (string Placeholder, string Attribute)[] names) =>
        names.ToDictionary(n => n.Placeholder, n => n.Attribute, StringComparer.Ordinal);
}

/// <summary>
/// The Region whose replica of a global table a store's requests write (see <see cref="DynamoDbSessionStoreOptions.GlobalTableRegions"/>):
/// each write requires that the session is homed there. <paramref name="HomesUnmarked"/> for the first Region of the list,
/// which is also the home of every item that names no home.
/// </summary>
internal sealed record HomeGuard(string Region, bool HomesUnmarked)
{
    /// <summary>Gets the condition every write in the Region adds.</summary>
    public string Condition => HomesUnmarked ? SessionExpressions.HomeIsOrUnmarked : SessionExpressions.HomeIs;

    /// <summary>The Region an item is homed in: its <c>home_region</c> when that is a non-empty string, else <paramref name="firstRegion"/>.</summary>
    public static string HomeOf(Dictionary<string, AttributeValue> item, string firstRegion) =>
        item.TryGetValue(SessionItem.HomeRegion, out var home) && home.S is { Length: > 0 } region ? region : firstRegion;
}
