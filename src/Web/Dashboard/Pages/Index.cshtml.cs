using TryOn.Contracts;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Paging;

namespace TryOn.Web.Dashboard.Pages;

/// <summary>
/// The account at a glance: credits and what is reserved, this month's try-ons and their success rate, a chart of the
/// last 30 days, the latest failures with their codes, and what to do first when there is nothing yet.
/// </summary>
public sealed class IndexModel(
    IGrainFactory grains, IGenerationReadModel generations, [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock) : DashboardPage(grains)
{
    public const int ChartDays = 30;

    public const int RecentFailureCount = 5;

    public bool HasKeys { get; private set; }

    /// <summary>The last <see cref="ChartDays"/> UTC days, today last, each with its counts (zero when none).</summary>
    public IReadOnlyList<GenerationDay> Days { get; private set; } = [];

    /// <summary>Counts of try-ons created this calendar month (UTC).</summary>
    public GenerationDay Month { get; private set; } = null!;

    public IReadOnlyList<GenerationView> RecentFailures { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        HasKeys = (await AccountGrain.ListApiKeysAsync(cancellationToken))?.Any(key => key.RevokedAt is null) == true;

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var chartStart = today.AddDays(1 - ChartDays);
        var from = monthStart < chartStart ? monthStart : chartStart;
        var counted = (await generations.DailyAsync(AccountId, Midnight(from), Midnight(today.AddDays(1)), cancellationToken)).ToDictionary(day => day.Day);
        Days = [.. Enumerable.Range(0, ChartDays).Select(offset => chartStart.AddDays(offset))
            .Select(day => counted.GetValueOrDefault(day) ?? new GenerationDay(day, 0, 0, 0))];
        var month = counted.Values.Where(day => day.Day >= monthStart).ToList();
        Month = new GenerationDay(monthStart, month.Sum(day => day.Total), month.Sum(day => day.Completed), month.Sum(day => day.Failed));
        RecentFailures = (await generations.ListAsync(AccountId, GenerationStatus.Failed, new PageRequest(null, RecentFailureCount), cancellationToken)).Items;
    }

    /// <summary>The tallest bar's count, at least 1, so an empty chart draws a flat line.</summary>
    public long ChartMax => Math.Max(1, Days.Max(day => day.Total));

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
