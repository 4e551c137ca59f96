using TryOn.Contracts.Accounts;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Products;
using TryOn.Contracts.Telemetry;
using TryOn.Grains.Engines;
using TryOn.Grains.Products;
using TryOn.Pipeline.Images;
using TryOn.Storage.Blobs;

namespace TryOn.Grains.Generations;

/// <summary>
/// One attempt of a generation, run by the inference scheduler (never in a grain turn): choose the engine and the
/// product image it needs, load the shopper photo and the product image (cached copy, or fetched through the
/// safe fetcher and cached), run the engine, check its pixels, stamp the watermark on them and encode them once, store
/// the result.
/// </summary>
internal sealed class GenerationExecutor(
    EngineRegistry engines,
    ProductImageLoader loader,
    ImagePipeline pipeline,
    IBlobStore blobs,
    IGrainFactory grains)
{
    public async Task<GenerationOutcome> RunAsync(string generationId, GenerationRequest request, IProgress<double> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (product, unusable) = await ClassifyUnknownImagesAsync(request, cancellationToken);
        var choice = engines.Choose(product, request.EngineName);
        if (choice.Engine is not { } engine)
        {
            return GenerationOutcome.Failed(ErrorCodes.GenerationFailed, choice.Problem!);
        }

        if (choice.Image is not { } productImage)
        {
            // No image has what the engine needs; when an image could not even be loaded, that is the reason to give.
            return unusable is { ErrorCode: { } code }
                ? GenerationOutcome.Failed(code, $"No image of product '{product.ExternalId}' can be used: {unusable.ErrorMessage}")
                : GenerationOutcome.Failed(ErrorCodes.MissingRequiredClassification, choice.Problem!);
        }

        LoadedProductImage shopper;
        using (GenerationTracing.Stage(GenerationTracing.LoadShopper))
        {
            shopper = await loader.ReadStoredAsync(request.Shopper.BlobKey, cancellationToken);
        }

        if (shopper.Bytes is null)
        {
            return GenerationOutcome.Failed(ErrorCodes.GenerationFailed, "The shopper image is no longer stored (retention or erasure).");
        }

        LoadedProductImage garment;
        using (GenerationTracing.Stage(GenerationTracing.LoadProduct))
        {
            garment = await LoadProductImageAsync(request, productImage, cancellationToken);
        }

        if (garment.Bytes is null)
        {
            return GenerationOutcome.Failed(garment.ErrorCode!, garment.ErrorMessage!);
        }

        // The person's mask, stored beside the photo by the person analysis; gone with it on erasure or retention.
        var personMask = request.Shopper.MaskBlobKey is { } maskKey ? (await loader.ReadStoredAsync(maskKey, cancellationToken)).Bytes : null;
        progress.Report(0.1);
        RgbImage output;
        using (TryOnMetrics.EngineStage(engine.Name, GenerationTracing.Engine))
        {
            try
            {
                output = await engine.RunAsync(
                    new EngineInput(shopper.Bytes, garment.Bytes, request.Product, request.Shopper.Person, personMask, productImage.Classifications),
                    progress,
                    cancellationToken);
            }
            catch (EngineRefusalException refusal)
            {
                return GenerationOutcome.Failed(ErrorCodes.GenerationFailed, refusal.Message);
            }
        }

        byte[]? logo = null;
        if (request.WatermarkBlobKey is { } logoKey)
        {
            using var stage = GenerationTracing.Stage(GenerationTracing.Watermark);
            logo = await ReadLogoAsync(request.AccountId, logoKey, cancellationToken);
        }

        // The engine's pixels are checked, stamped and encoded once.
        StoredImage? result;
        using (GenerationTracing.Stage(GenerationTracing.Encode))
        {
            result = pipeline.EncodeResult(output, logo);
        }

        if (result is null)
        {
            return GenerationOutcome.Failed(ErrorCodes.GenerationFailed, $"The {engine.Name} engine produced an unusable image.");
        }

        var blobKey = GenerationBlobs.Result(request.AccountId, generationId, result.Format);
        using (GenerationTracing.Stage(GenerationTracing.Store))
        {
            await blobs.WriteAsync(blobKey, new MemoryStream(result.Bytes, writable: false), CancellationToken.None);
        }

        return GenerationOutcome.Completed(blobKey);
    }

    /// <summary>
    /// The logo the admission saw, or, when the account replaced it since (its bytes are deleted then), the account's
    /// current one; none when the logo was removed.
    /// </summary>
    private async Task<byte[]?> ReadLogoAsync(string accountId, string logoKey, CancellationToken cancellationToken)
    {
        if ((await loader.ReadStoredAsync(logoKey, cancellationToken)).Bytes is { } admitted)
        {
            return admitted;
        }

        var current = (await grains.GetGrain<IAccountGrain>(accountId).GetAsync(cancellationToken))?.LogoBlobKey;
        return current is null || current == logoKey ? null : (await loader.ReadStoredAsync(current, cancellationToken)).Bytes;
    }

    /// <summary>
    /// When the engine needs a classification that some URL images have no answer for yet (the background fetch has
    /// not reached them, or failed), fetches and classifies those now, so the choice is made on what the images are;
    /// with the first image that could not be loaded, if any (why the product may have no usable image).
    /// </summary>
    private async Task<(ProductSnapshot Product, LoadedProductImage? Unusable)> ClassifyUnknownImagesAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        var product = request.Product;
        var choice = engines.Choose(product, request.EngineName);
        if (choice.MissingClassification is not { } key)
        {
            return (product, null);
        }

        LoadedProductImage? unusable = null;

        var images = product.Images;
        for (var index = 0; index < images.Length; index++)
        {
            var image = images[index];
            if (image.Classifications.ContainsKey(key) || image.StoredBlobKey is not null)
            {
                continue;
            }

            var (analysis, loaded) = await loader.FetchAsync(request.AccountId, image, cancellationToken);
            await RecordAsync(request, analysis);
            if (loaded.ErrorCode is not null)
            {
                unusable ??= loaded;
            }

            images = images.SetItem(index, image with
            {
                CachedBlobKey = analysis.CachedBlobKey ?? image.CachedBlobKey,
                DetectedClassifications = image.DetectedClassifications.SetItems(analysis.DetectedClassifications),
            });
        }

        return (product with { Images = images }, unusable);
    }

    /// <summary>Records the analysis on the product; this generation has the bytes either way.</summary>
    private Task RecordAsync(GenerationRequest request, ProductImageAnalysis analysis) =>
        loader.RecordAsync(grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(request.AccountId, request.Product.ExternalId)), analysis);

    /// <summary>The cached copy when it is still there, otherwise a fresh fetch of a URL image, recorded on the product.</summary>
    private async Task<LoadedProductImage> LoadProductImageAsync(GenerationRequest request, ProductImage image, CancellationToken cancellationToken)
    {
        if (image.BlobKey is { } blobKey)
        {
            var stored = await loader.ReadStoredAsync(blobKey, cancellationToken);
            if (stored.Bytes is not null || image.StoredBlobKey is not null)
            {
                return stored;
            }
        }

        var (analysis, loaded) = await loader.FetchAsync(request.AccountId, image, cancellationToken);
        await RecordAsync(request, analysis);
        return loaded;
    }
}
