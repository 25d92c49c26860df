namespace Sessions;

/// <summary>The operation names a store uses in spans, metrics, logs and <see cref="SessionStoreException.Operation"/>.</summary>
internal static class SessionStoreOperations
{
    public const string Create = "Create";
    public const string Get = "Get";
    public const string Update = "Update";
    public const string Delete = "Delete";
    public const string Touch = "Touch";
    public const string Revoke = "Revoke";
    public const string Expire = "Expire";
    public const string FindActiveByServerInstance = "FindActiveByServerInstance";
    public const string ListByUser = "ListByUser";
    public const string ListByStatus = "ListByStatus";
    public const string ListByProfile = "ListByProfile";
    public const string ListByTimeRange = "ListByTimeRange";
    public const string BatchGet = "BatchGetItem";
}
