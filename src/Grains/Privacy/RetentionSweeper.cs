using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TryOn.Contracts;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Images;
using TryOn.Contracts.Paging;
using TryOn.Contracts.Products;
using TryOn.Grains.Maintenance;

namespace TryOn.Grains.Privacy;

/// <summary>What one retention pass removed.</summary>
internal sealed record RetentionSweep(int Products, int Images, int Generations)
{
    public int Total => Products + Images + Generations;
}

/// <summary>
/// Once per cluster every minute (its <see cref="MaintenanceGrain"/>'s reminder), removes what has outlived its lifetime, found through the read model's expiry indexes (never by
/// listing files or grains): products past <c>expiresAt</c>, uploaded shopper photos past their retention, and the
/// files (result, product copy) of generations <c>keepForDays</c> old. Each grain decides for itself against its own
/// state and the domain clock, so a stale index row or a pass run twice (one cut off by a silo's death) is harmless.
/// Expired products and images are already refused before the sweep reaches them.
/// </summary>
internal sealed partial class RetentionSweeper(
    IGrainFactory grains,
    IProductReadModel products,
    IImageReadModel images,
    IGenerationReadModel generations,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
    ILogger<RetentionSweeper> logger) : IPeriodicSweep
{
    private const int BatchSize = 200;

    public string Name => "retention";

    /// <summary>One pass over the three indexes; one failing does not hold up the others.</summary>
    public async Task<RetentionSweep> SweepAsync(CancellationToken cancellationToken = default) => new(
        await PassAsync(
            "products",
            (now, page) => products.ListExpiredAsync(now, page, cancellationToken),
            key => grains.GetGrain<IProductGrain>(key).PurgeIfExpiredAsync(CancellationToken.None),
            cancellationToken),
        await PassAsync(
            "images",
            (now, page) => images.ListExpiredAsync(now, page, cancellationToken),
            id => grains.GetGrain<IImageGrain>(id).RemoveIfExpiredAsync(CancellationToken.None),
            cancellationToken),
        await PassAsync(
            "generation files",
            (now, page) => generations.ListFilesExpiredAsync(now, page, cancellationToken),
            id => grains.GetGrain<IGenerationGrain>(id).RemoveFilesIfExpiredAsync(CancellationToken.None),
            cancellationToken));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var swept = await SweepAsync(cancellationToken);
        if (swept.Total > 0)
        {
            LogSwept(logger, swept.Products, swept.Images, swept.Generations);
        }
    }

    /// <summary>
    /// Asks every entry due at the start of the pass to remove itself, a batch at a time, each batch after the last one
    /// (a keyset cursor on expiry and key): entries a grain declined or failed stay in the index for the next pass, but
    /// do not hold up the entries after them, however many there are. Removing an entry takes it out of the index.
    /// </summary>
    private async Task<int> PassAsync(
        string what, Func<DateTimeOffset, PageRequest, Task<Page<string>>> listDue, Func<string, Task<bool>> remove, CancellationToken cancellationToken)
    {
        var removed = 0;
        var now = clock.GetUtcNow();
        string? after = null;
        try
        {
            do
            {
                var due = await listDue(now, new PageRequest(after, BatchSize));
                var results = await Task.WhenAll(due.Items.Select(key => RemoveOneAsync(what, key, remove)));
                removed += results.Count(result => result);
                after = due.NextAfter;
            }
            while (after is not null);

            return removed;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPassFailed(logger, exception, what);
            return removed;
        }
    }

    private async Task<bool> RemoveOneAsync(string what, string key, Func<string, Task<bool>> remove)
    {
        try
        {
            return await remove(key);
        }
        catch (Exception exception)
        {
            // One entry that cannot be removed now must not hold up the others; the next pass asks it again.
            LogRemoveFailed(logger, exception, what, key);
            return false;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Retention removed {Products} expired products, {Images} shopper images and the files of {Generations} generations")]
    private static partial void LogSwept(ILogger logger, int products, int images, int generations);

    [LoggerMessage(2, LogLevel.Warning, "The retention sweep of {What} failed; it runs again in a minute")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string what);

    [LoggerMessage(3, LogLevel.Warning, "Retention could not remove {What} entry {Key} yet; the next pass tries again")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception, string what, string key);
}
