namespace TryOn.Grains.Persistence.Sqlite;

/// <summary>
/// The sort key lists page on: "created_at|id" of a page's last row. Any text is safe to pass back: a forged key
/// only selects another slice.
/// </summary>
internal static class KeysetCursor
{
    public static string Of(DateTimeOffset createdAt, string id) => $"{SqliteTimestamps.Format(createdAt)}|{id}";

    public static (string CreatedAt, string Id) Split(string after)
    {
        var separator = after.IndexOf('|', StringComparison.Ordinal);
        return separator < 0 ? (after, "") : (after[..separator], after[(separator + 1)..]);
    }
}
