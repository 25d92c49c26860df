namespace Sessions.Paging;

/// <summary>Where one ordered stream of a list stands: not started, after a given item, or exhausted.</summary>
internal readonly record struct PageCursor
{
    private PageCursor(PageCursorState state, string? createdAt, string? id)
    {
        State = state;
        CreatedAt = createdAt;
        Id = id;
    }

    public static PageCursor Start { get; } = new(PageCursorState.Start, null, null);

    public static PageCursor Done { get; } = new(PageCursorState.Done, null, null);

    public PageCursorState State { get; }

    /// <summary>Gets the stored <c>created_at</c> of the last item read (exactly as stored), when <see cref="State"/> is After.</summary>
    public string? CreatedAt { get; }

    /// <summary>Gets the id of the last item read, when <see cref="State"/> is After.</summary>
    public string? Id { get; }

    public static PageCursor After(string createdAt, string id) => new(PageCursorState.After, createdAt, id);
}

internal enum PageCursorState : byte
{
    Start = 0,
    After = 1,
    Done = 2,
}
