namespace Sessions.Paging;

/// <summary>Names one list query (which list, which key); a continuation token is bound to it.</summary>
internal readonly record struct PageQuery(string Kind, string Key)
{
    public static PageQuery ForUser(string user) => new("user", user);

    public static PageQuery ForStatus(SessionStatus status) => new("status", status.ToStorageString());

    public static PageQuery ForProfile(string profile) => new("profile", profile);

    public static PageQuery ForTimeRange(DateTimeOffset from, DateTimeOffset to) =>
        new("time", $"{SessionTimestamp.Format(from)}/{SessionTimestamp.Format(to)}");
}
