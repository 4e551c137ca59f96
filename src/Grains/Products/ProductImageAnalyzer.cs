using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TryOn.Contracts.Products;

namespace TryOn.Grains.Products;

/// <summary>
/// Fetches a product's URL images once, off the grain scheduler: each through the SSRF-safe fetcher, checked and
/// normalised by the image pipeline, cached in the blob store and classified, then recorded on the product. Product
/// grains only enqueue their key, after each change and when they activate, so an entry dropped by the bounded
/// queue is picked up again later. Failures are recorded on the image too.
/// </summary>
internal sealed partial class ProductImageAnalyzer(
    IGrainFactory grains,
    ProductImageLoader loader,
    ILogger<ProductImageAnalyzer> logger) : BackgroundService
{
    private const int Capacity = 1024;

    /// <summary>Products worked on at once, so one slow image host cannot hold up every other account's images.</summary>
    private const int Workers = 4;

    private readonly Channel<string> _queue = Channel.CreateBounded<string>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks for the product's uncached URL images to be fetched; never blocks.</summary>
    public void Enqueue(string productGrainKey)
    {
        if (!_queue.Writer.TryWrite(productGrainKey))
        {
            LogQueueFull(logger, productGrainKey);
        }
    }

    /// <summary>Fetches, caches and records every uncached URL image of one product.</summary>
    public async Task AnalyzeAsync(string productGrainKey, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IProductGrain>(productGrainKey);
        if (await grain.GetAsync(cancellationToken) is not { } product)
        {
            return;
        }

        foreach (var image in product.Images.Where(image => image.NeedsFetch))
        {
            var (analysis, _) = await loader.FetchAsync(product.AccountId, image, cancellationToken);
            await loader.RecordAsync(grain, analysis);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var key in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await AnalyzeAsync(key, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogAnalysisFailed(logger, exception, key);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; what is left is fetched by generations when they need it.
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The product image queue is full; {ProductKey} is left for its first generation to fetch")]
    private static partial void LogQueueFull(ILogger logger, string productKey);

    [LoggerMessage(2, LogLevel.Warning, "Fetching the images of {ProductKey} failed")]
    private static partial void LogAnalysisFailed(ILogger logger, Exception exception, string productKey);
}
