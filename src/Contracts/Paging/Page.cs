namespace TryOn.Contracts.Paging;

/// <summary>
/// A page request in keyset form: at most <see cref="Limit"/> items that sort after <see cref="After"/>,
/// the sort key of the previous page's last item (null for the first page).
/// </summary>
public sealed record PageRequest(string? After, int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
}

/// <summary>One page of a list. <see cref="NextAfter"/> is the sort key to continue from, null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextAfter)
{
    public bool HasMore => NextAfter is not null;
}
