using System.Globalization;

namespace TryOn.Storage.Sqlite;

/// <summary>Timestamps as ISO 8601 UTC text with a fixed width, so text order is time order in SQL.</summary>
internal static class SqliteTimestamps
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
