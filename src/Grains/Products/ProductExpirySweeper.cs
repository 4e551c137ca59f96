using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TryOn.Grains.Hosting;

namespace TryOn.Grains.Products;

/// <summary>
/// Purges products whose lifetime has ended, found through the read model's expiry index (never by listing
/// products or files). Each product grain decides for itself, so running the sweep twice, or on several silos,
/// is harmless. Expired products are already invisible before the sweep reaches them.
/// </summary>
internal sealed partial class ProductExpirySweeper(
    IGrainFactory grains,
    IProductReadModel readModel,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
    ILogger<ProductExpirySweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private const int BatchSize = 200;

    /// <summary>One pass: purges every product expired by now; returns how many were purged.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var purged = 0;
        while (true)
        {
            var expired = await readModel.ListExpiredAsync(clock.GetUtcNow(), BatchSize, cancellationToken);
            var results = await Task.WhenAll(expired.Select(key => grains.GetGrain<IProductGrain>(key).PurgeIfExpiredAsync(cancellationToken)));
            purged += results.Count(result => result);
            if (expired.Count < BatchSize || !results.Any(result => result))
            {
                return purged;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var purged = await SweepAsync(stoppingToken);
                if (purged > 0)
                {
                    LogSwept(logger, purged);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSweepFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Purged {Count} expired products")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "The product expiry sweep failed; it runs again in a minute")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
