using System.Collections.Immutable;
using System.Diagnostics;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Products;
using TryOn.Contracts.Telemetry;
using TryOn.Pipeline.Fetching;
using TryOn.Pipeline.Images;
using TryOn.Pipeline.IO;
using TryOn.Storage.Blobs;

namespace TryOn.Grains.Products;

/// <summary>The bytes of a product image, or the catalogue code of why there are none.</summary>
public sealed record LoadedProductImage(byte[]? Bytes, string? ErrorCode, string? ErrorMessage);

/// <summary>
/// Gets a product image's normalised bytes: from the blob store when it was uploaded or fetched before, otherwise
/// through the SSRF-safe fetcher and the image pipeline, caching the copy so it is fetched and decoded once per
/// product image. Used by the background analyzer and by generations, which record the analysis on the product
/// (<see cref="RecordAsync"/>).
/// </summary>
internal sealed class ProductImageLoader(SafeImageFetcher fetcher, ImagePipeline pipeline, IBlobStore blobs)
{
    public async Task<LoadedProductImage> ReadStoredAsync(string blobKey, CancellationToken cancellationToken)
    {
        await using var stream = await blobs.OpenReadAsync(blobKey, cancellationToken);
        var bytes = stream is null ? null : await BoundedRead.ReadToEndAsync(stream, long.MaxValue, cancellationToken);
        return bytes is null
            ? new LoadedProductImage(null, ErrorCodes.ProductImageFetchFailed, "The product image's stored copy is missing.")
            : new LoadedProductImage(bytes, null, null);
    }

    /// <summary>
    /// Records <paramref name="analysis"/> on <paramref name="product"/>; its cached copy is removed when the product
    /// does not take it (the image was replaced meanwhile) or recording fails, since nothing else points to it.
    /// </summary>
    public Task<bool> RecordAsync(IProductGrain product, ProductImageAnalysis analysis) =>
        blobs.RecordOrDeleteAsync(
            analysis.CachedBlobKey is { } copy ? [copy] : [],
            () => product.RecordImageAnalysisAsync(analysis, CancellationToken.None),
            recorded: taken => taken);

    /// <summary>Fetches, checks, normalises, classifies and caches a URL image.</summary>
    public async Task<(ProductImageAnalysis Analysis, LoadedProductImage Image)> FetchAsync(string accountId, ProductImage image, CancellationToken cancellationToken)
    {
        FetchOutcome fetched;
        using (GenerationTracing.Stage(GenerationTracing.Fetch))
        {
            var started = Stopwatch.GetTimestamp();
            fetched = await fetcher.FetchAsync(image.SourceUrl, cancellationToken);
            TryOnMetrics.Fetched(TryOnMetrics.ProductImageFetch, fetched.Failure?.ToString(), Stopwatch.GetElapsedTime(started));
        }

        if (!fetched.Succeeded)
        {
            return Failed(image, fetched.Failure.ToString()!, ErrorCodes.ProductImageFetchFailed, $"The product image could not be downloaded: {fetched.Message}");
        }

        var normalized = pipeline.Normalize(fetched.Bytes!);
        if (normalized.Rejection is { } rejection)
        {
            var code = rejection.Problem switch
            {
                ImageProblem.TooLarge => ErrorCodes.FileTooLarge,
                ImageProblem.UnsupportedType => ErrorCodes.UnsupportedImageType,
                _ => ErrorCodes.InvalidImage,
            };
            return Failed(image, rejection.Problem.ToString(), code, $"The product image at its URL is not usable: {rejection.Message}");
        }

        var stored = normalized.Value!;
        var detected = GarmentPhotoClassifier.ToClassifications(GarmentPhotoClassifier.Classify(stored.Bytes)).ToImmutableDictionary();
        var blobKey = ProductBlobs.Image(accountId, image.ImageId, png: stored.Format == ImageFormat.Png);
        await blobs.WriteAsync(blobKey, new MemoryStream(stored.Bytes, writable: false), CancellationToken.None);
        return (new ProductImageAnalysis(image.ImageId, blobKey, detected, null), new LoadedProductImage(stored.Bytes, null, null));
    }

    private static (ProductImageAnalysis, LoadedProductImage) Failed(ProductImage image, string failure, string code, string message) =>
        (new ProductImageAnalysis(image.ImageId, null, ImmutableDictionary<string, bool>.Empty, failure), new LoadedProductImage(null, code, message));
}
