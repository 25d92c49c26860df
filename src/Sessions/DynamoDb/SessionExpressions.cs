namespace Sessions.DynamoDb;

/// <summary>
/// Every expression the DynamoDB store sends, in one place. Attribute names are always placeholders (<c>#x</c>) and
/// values always <c>:x</c> placeholders bound in ExpressionAttributeValues: no user text is ever part of an expression.
/// </summary>
internal static class SessionExpressions
{
    public const string IdName = "#id";
    public const string StatusName = "#status";
    public const string ExpiresName = "#expires";
    public const string LastAccessName = "#last";
    public const string CountName = "#count";
    public const string SourceName = "#source";
    public const string UpdatedName = "#updated";
    public const string RevokedByName = "#rby";
    public const string RevokedReasonName = "#rreason";
    public const string VersionName = "#version";
    public const string TtlName = "#ttl";
    public const string CreatedName = "#created";
    public const string PartitionName = "#pk";
    public const string StartedName = "#started";
    public const string SlotName = "#slot";
    public const string HomeName = "#home";

    public const string NowValue = ":now";
    public const string OneValue = ":one";
    public const string ZeroValue = ":zero";
    public const string ActiveValue = ":active";
    public const string StatusValue = ":status";
    public const string ExpiresValue = ":expires";
    public const string SourceValue = ":source";
    public const string RevokedByValue = ":rby";
    public const string RevokedReasonValue = ":rreason";
    public const string VersionValue = ":version";
    public const string NextVersionValue = ":next";
    public const string TtlValue = ":ttl";
    public const string PartitionValue = ":pk";
    public const string FromValue = ":from";
    public const string ToValue = ":to";
    public const string SeenExpiresValue = ":seenexpires";
    public const string SeenStartedValue = ":seenstarted";
    public const string TimestampLengthValue = ":tslength";
    public const string TeeValue = ":tee";
    public const string ZedValue = ":zed";
    public const string NumberTypeValue = ":numbertype";
    public const string SlotValue = ":slot";
    public const string MaxCountValue = ":maxcount";
    public const string HomeValue = ":home";
    public const string StringTypeValue = ":stringtype";
    public const string NoHomeSizeValue = ":nohomesize";

    /// <summary>A write in a Region's replica of a global table: only of a session homed in that Region.</summary>
    public const string HomeIs = "#home = :home";

    /// <summary>
    /// As <see cref="HomeIs"/>, in the first Region of the list, which is also the home of every item without a home (none,
    /// not a string, or an empty string: written before home Regions were turned on, or by another tool).
    /// </summary>
    public const string HomeIsOrUnmarked = "(attribute_not_exists(#home) OR NOT attribute_type(#home, :stringtype) OR size(#home) = :nohomesize OR #home = :home)";

    /// <summary>Delete in a Region's replica of a global table: nothing there, or a session homed there.</summary>
    public const string NothingOr = "attribute_not_exists(#id) OR ";

    /// <summary>
    /// Only a timestamp in the stored form compares as a string in time order. Among the forms the reader accepts, the
    /// stored one is the only one that is 28 characters long and holds both an upper-case <c>T</c> and an upper-case
    /// <c>Z</c> (any other 28-character form carries an offset, or a lower-case <c>t</c> or <c>z</c>); an attribute that
    /// is not a string fails <c>size</c> and with it the condition.
    /// </summary>
    public const string ExpiresIsCanonical = "size(#expires) = :tslength AND contains(#expires, :tee) AND contains(#expires, :zed)";

    /// <summary>As <see cref="ExpiresIsCanonical"/>, for <c>started_at</c>.</summary>
    public const string StartedIsCanonical = "size(#started) = :tslength AND contains(#started, :tee) AND contains(#started, :zed)";

    /// <summary>
    /// A counter that ADD can increment without leaving the range the reader accepts: absent, or a number below
    /// <see cref="long.MaxValue"/> (a comparison with an attribute of another type is false, so a string fails it too).
    /// </summary>
    public const string CountBelowMax = "(attribute_not_exists(#count) OR #count < :maxcount)";

    /// <summary>
    /// The writer slot of this call holds a smaller number than this call's, or none: the write was not applied yet. Touch
    /// writes only then, so a request the SDK sends again after its answer was lost is applied once (see <see cref="WriteSlots"/>).
    /// </summary>
    public const string SlotBefore = "(attribute_not_exists(#slot) OR #slot < :slot)";

    /// <summary>A version that a transition can increment: absent or a number.</summary>
    public const string VersionIsNumber = "(attribute_not_exists(#version) OR attribute_type(#version, :numbertype))";

    /// <summary>Create: only when no item has the id.</summary>
    public const string NotExists = "attribute_not_exists(#id)";

    /// <summary>Touch: stamp, count and mark the writer slot in one write.</summary>
    public const string Touch = "SET #last = :now, #slot = :slot ADD #count :one";

    /// <summary>
    /// Touch: only while Active and not past ExpiresAt, compared as strings, which is time order only for the stored form,
    /// so the condition also requires that form; and only while the counter and version are numbers, so that a corrupt
    /// item is refused (and named) rather than served.
    /// </summary>
    public const string TouchCondition = "#status = :active AND " + ExpiresIsCanonical + " AND #expires > :now AND " + CountBelowMax + " AND " + VersionIsNumber + " AND " + SlotBefore;

    /// <summary>Touch of an item whose ExpiresAt was judged in code: stamp, count and store ExpiresAt in the stored form.</summary>
    public const string TouchRewritingExpiry = "SET #last = :now, #expires = :expires, #slot = :slot ADD #count :one";

    /// <summary>Touch of an item judged in code: only while it still holds the ExpiresAt that was judged.</summary>
    public const string TouchSeenCondition = "#status = :active AND #expires = :seenexpires AND " + CountBelowMax + " AND " + VersionIsNumber + " AND " + SlotBefore;

    /// <summary>Revoke and Expire: any Active session; the version grows even on items written without one.</summary>
    public const string Transition = "SET #status = :status, #updated = :now, #version = if_not_exists(#version, :zero) + :one, #slot = :slot";

    /// <summary>Revoke: as <see cref="Transition"/>, plus who and why.</summary>
    public const string Revoke = Transition + RevokeSets;

    /// <summary>Revoke and Expire of an item whose version is not a number (NULL, a string): the version starts again at 1.</summary>
    public const string TransitionResettingVersion = "SET #status = :status, #updated = :now, #version = :one, #slot = :slot";

    /// <summary>Revoke of an item whose version is not a number.</summary>
    public const string RevokeResettingVersion = TransitionResettingVersion + RevokeSets;

    /// <summary>Revoke, Expire: the session must be Active, with a version the write can increment.</summary>
    public const string IsActive = "#status = :active AND " + VersionIsNumber;

    /// <summary>Revoke, Expire: the session is Active and its version is there but not a number; the write replaces it.</summary>
    public const string IsActiveWithMalformedVersion = "#status = :active AND attribute_exists(#version) AND NOT attribute_type(#version, :numbertype)";

    private const string RevokeSets = ", #rby = :rby, #rreason = :rreason";

    /// <summary>Update: the mutable fields only; the revocation fields are set or removed below.</summary>
    public const string Update = "SET #status = :status, #expires = :expires, #source = :source, #updated = :now, #ttl = :ttl, #version = :next, #slot = :slot";

    public const string UpdateSetsRevokedBy = ", #rby = :rby";
    public const string UpdateSetsRevokedReason = ", #rreason = :rreason";
    public const string UpdateRemoves = " REMOVE ";

    /// <summary>Update of a session with neither revocation field: both are removed.</summary>
    public const string UpdateRemovingRevocation = Update + UpdateRemoves + RevokedByName + ", " + RevokedReasonName;

    /// <summary>Update of a session with RevokedBy only.</summary>
    public const string UpdateSettingRevokedBy = Update + UpdateSetsRevokedBy + UpdateRemoves + RevokedReasonName;

    /// <summary>Update of a session with RevokedReason only.</summary>
    public const string UpdateSettingRevokedReason = Update + UpdateSetsRevokedReason + UpdateRemoves + RevokedByName;

    /// <summary>Update of a session with both revocation fields.</summary>
    public const string UpdateSettingRevocation = Update + UpdateSetsRevokedBy + UpdateSetsRevokedReason;

    /// <summary>Update: Active, and still at the version the caller read.</summary>
    public const string UpdateVersioned = "#status = :active AND #version = :version";

    /// <summary>Update of an item written without a version (read as version 0).</summary>
    public const string UpdateUnversioned = "#status = :active AND attribute_not_exists(#version)";

    /// <summary>Update: the new ExpiresAt is after the stored StartedAt (compared as strings: the stored form only).</summary>
    public const string UpdateAfterStart = " AND " + StartedIsCanonical + " AND #started < :expires";

    /// <summary>Update that keeps the session Active: the stored ExpiresAt has not passed (expiry is terminal).</summary>
    public const string UpdateNotExpired = " AND " + ExpiresIsCanonical + " AND #expires > :now";

    /// <summary>Update of an item judged in code: only while it still holds the StartedAt and ExpiresAt that were judged.</summary>
    public const string UpdateSeen = " AND #started = :seenstarted AND #expires = :seenexpires";

    /// <summary>Lists: one index partition, newest first.</summary>
    public const string PartitionKey = "#pk = :pk";

    /// <summary>ListByTimeRange: one status partition, created in [from, to] (to is one tick before the exclusive end).</summary>
    public const string StatusCreatedBetween = "#pk = :pk AND #created BETWEEN :from AND :to";

    /// <summary>FindActiveByServerInstance: the instance's Active entries, by key condition (never a filter).</summary>
    public const string InstanceActive = "#pk = :pk AND #status = :active";

    /// <summary>Lists read only the keys from an index; the items come from a consistent BatchGetItem.</summary>
    public const string KeysOnly = "#id, #created";
}
