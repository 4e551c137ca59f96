using System.Globalization;

namespace TryOn.Storage.ReadModels;

/// <summary>
/// The sort key lists page on: "created_at|id" of a page's last row, the time as fixed-width ISO 8601 UTC. Any text
/// may come back from a client: one that does not parse selects nothing, and a forged one only another slice.
/// </summary>
internal static class KeysetCursor
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Of(DateTimeOffset createdAt, string id) =>
        $"{createdAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}|{id}";

    public static bool TryParse(string after, out DateTimeOffset createdAt, out string id)
    {
        ArgumentNullException.ThrowIfNull(after);
        var separator = after.IndexOf('|', StringComparison.Ordinal);
        id = separator < 0 ? "" : after[(separator + 1)..];
        createdAt = default;
        return separator >= 0 && DateTimeOffset.TryParseExact(
            after[..separator],
            TimeFormat,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out createdAt);
    }
}
