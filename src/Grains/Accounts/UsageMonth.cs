namespace TryOn.Grains.Accounts;

/// <summary>Calendar months in UTC, the period of the monthly generation cap.</summary>
internal static class UsageMonth
{
    /// <summary>Midnight UTC on the first day of the month that contains <paramref name="instant"/>.</summary>
    public static DateTimeOffset Of(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The start of the month after the one starting at <paramref name="month"/>.</summary>
    public static DateTimeOffset Next(DateTimeOffset month) => month.AddMonths(1);
}
