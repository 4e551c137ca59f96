namespace TryOn.Client;

/// <summary>One page of a list: pass <see cref="NextCursor"/> back as the cursor for the next; null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor, bool HasMore, int Count);
