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

    /// <summary>Create: only when no item has the id.</summary>
    public const string NotExists = "attribute_not_exists(#id)";

    /// <summary>Touch: stamp and count in one write.</summary>
    public const string Touch = "SET #last = :now ADD #count :one";

    /// <summary>Touch: only while Active and not past ExpiresAt (fixed-width UTC timestamps compare as strings).</summary>
    public const string TouchCondition = "#status = :active AND #expires > :now";

    /// <summary>Revoke and Expire: any Active session; the version grows even on items written without one.</summary>
    public const string Transition = "SET #status = :status, #updated = :now, #version = if_not_exists(#version, :zero) + :one";

    /// <summary>Revoke: as <see cref="Transition"/>, plus who and why.</summary>
    public const string Revoke = Transition + ", #rby = :rby, #rreason = :rreason";

    /// <summary>Revoke, Expire: the session must be Active.</summary>
    public const string IsActive = "#status = :active";

    /// <summary>Update: the mutable fields only; the revocation fields are set or removed below.</summary>
    public const string Update = "SET #status = :status, #expires = :expires, #source = :source, #updated = :now, #ttl = :ttl, #version = :next";

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
    public const string UpdateCondition = "#status = :active AND #version = :version";

    /// <summary>Update of an item written without a version (read as version 0).</summary>
    public const string UpdateConditionUnversioned = "#status = :active AND attribute_not_exists(#version)";

    /// <summary>Lists: one index partition, newest first.</summary>
    public const string PartitionKey = "#pk = :pk";

    /// <summary>ListByTimeRange: one status partition, created in [from, to] (to is one tick before the exclusive end).</summary>
    public const string StatusCreatedBetween = "#pk = :pk AND #created BETWEEN :from AND :to";

    /// <summary>FindActiveByServerInstance: the instance's Active entries, by key condition (never a filter).</summary>
    public const string InstanceActive = "#pk = :pk AND #status = :active";

    /// <summary>Lists read only the keys from an index; the items come from a consistent BatchGetItem.</summary>
    public const string KeysOnly = "#id, #created";
}
