namespace Sessions;

/// <summary>Asks for one page of a list.</summary>
/// <param name="Limit">The most sessions to return: 1–1,000; 0 or less means the default of 100, more than 1,000 is capped.</param>
/// <param name="ContinuationToken">The token of the previous page of the same query, or <see langword="null"/> for the first page.</param>
public sealed record PageRequest(int Limit = PageRequest.DefaultLimit, string? ContinuationToken = null)
{
    /// <summary>The page size used when <see cref="Limit"/> is 0 or less.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest page size; larger limits are capped to it.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Gets the first page with the default limit.</summary>
    public static PageRequest First { get; } = new();

    /// <summary>Gets the limit actually applied: <see cref="Limit"/> brought into 1–1,000 as described there.</summary>
    public int EffectiveLimit => Limit <= 0 ? DefaultLimit : Math.Min(Limit, MaxLimit);
}
