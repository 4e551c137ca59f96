using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TryOn.Contracts;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Products;
using TryOn.Grains.Persistence;
using TryOn.Storage.Blobs;

namespace TryOn.Grains.Products;

[GenerateSerializer, Alias("tryon.products.ProductState")]
internal sealed class ProductState
{
    /// <summary>The product; null when there is none (never made, deleted or purged).</summary>
    [Id(0)] public ProductSnapshot? Product { get; set; }

    /// <summary>Versions keep growing across delete and re-create, so the read model never takes an old copy.</summary>
    [Id(1)] public long LastVersion { get; set; }
}

internal sealed partial class ProductGrain(
    [PersistentState("product", StorageNames.Grains)] IPersistentState<ProductState> state,
    IProductReadModel readModel,
    IBlobStore blobs,
    ProductImageAnalyzer analyzer,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
    ILogger<ProductGrain> logger) : Grain, IProductGrain
{
    public const int InlineLifetimeDays = 15;
    public const int OneShotLifetimeDays = 7;

    /// <summary>
    /// How stale the recorded last use may get: a use within this time of the recorded one writes nothing, which
    /// bounds a busy product to one write per interval instead of one per generation. Lifetimes count in days.
    /// </summary>
    private static readonly TimeSpan LastUsePrecision = TimeSpan.FromMinutes(1);

    private ReadModelPublisher? _publisher;

    private ReadModelPublisher Publisher => _publisher ??= new ReadModelPublisher(this, PublishStateAsync, logger);

    private string AccountId => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().IndexOf("/prod/", StringComparison.Ordinal)];

    private string ExternalId => this.GetPrimaryKeyString()[(AccountId.Length + "/prod/".Length)..];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists)
        {
            return;
        }

        await Publisher.PublishAsync();
        RequestFetchOfUncachedImages();
    }

    public async Task<ProductUpsertResult> UpsertAsync(ProductUpsert upsert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upsert);
        var existing = await CurrentAsync();
        var now = clock.GetUtcNow();
        var images = upsert.Images is { } given ? BuildImages(given, existing?.Images ?? [], now) : existing?.Images;
        if (images is not { Length: > 0 })
        {
            return new ProductUpsertResult(ProductUpsertStatus.ImagesRequired, null);
        }

        var title = upsert.Title ?? existing?.Title;
        var description = upsert.Description ?? existing?.Description;
        var categoryGiven = upsert.Category is not null || existing?.CategoryGiven == true;
        var category = upsert.Category ?? (existing?.CategoryGiven == true ? existing.Category : ProductCatalogue.DeriveCategory(title, description));
        var kind = existing is null ? upsert.Kind : Promote(existing.Kind, upsert.Kind);
        var validForDays = LifetimeDays(existing, upsert, kind);
        var product = new ProductSnapshot(
            AccountId,
            ExternalId,
            kind,
            title,
            description,
            images.Value,
            upsert.MetadataGiven ? upsert.MetadataJson : existing?.MetadataJson,
            validForDays,
            category,
            existing?.LastUsedAt,
            validForDays is { } days ? now.AddDays(days) : null,
            existing?.CreatedAt ?? now,
            now,
            state.State.LastVersion + 1,
            categoryGiven);

        var replaced = existing is null ? [] : existing.Images.Except(product.Images).ToList();
        await CommitAsync(product);
        await DeleteStoredImagesAsync(replaced, keep: product.Images);
        RequestFetchOfUncachedImages();

        return new ProductUpsertResult(existing is null ? ProductUpsertStatus.Created : ProductUpsertStatus.Updated, product);
    }

    public Task<ProductSnapshot?> GetAsync(CancellationToken cancellationToken = default) => CurrentAsync();

    public async Task<bool> DeleteAsync(CancellationToken cancellationToken = default)
    {
        var existing = await CurrentAsync();
        if (existing is null)
        {
            return false;
        }

        await RemoveAsync(existing);
        LogDeleted(logger, AccountId, ExternalId);
        return true;
    }

    public async Task<bool> RecordUseAsync(CancellationToken cancellationToken = default)
    {
        var product = await CurrentAsync();
        if (product is null)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        if (product.LastUsedAt is { } lastUsed && now - lastUsed < LastUsePrecision)
        {
            return true;
        }

        await CommitAsync(product with
        {
            LastUsedAt = now,
            ExpiresAt = product.ValidForDays is { } days ? now.AddDays(days) : null,
            Version = state.State.LastVersion + 1,
        });
        return true;
    }

    public async Task<bool> RecordImageAnalysisAsync(ProductImageAnalysis analysis, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var product = await CurrentAsync();
        var index = product?.Images.IndexOf(product.Images.FirstOrDefault(image => image.ImageId == analysis.ImageId)!) ?? -1;
        if (product is null || index < 0)
        {
            return false;
        }

        if (analysis.CachedBlobKey is null && product.Images[index].CachedBlobKey is not null)
        {
            // A failed fetch never replaces a good copy someone else cached meanwhile.
            return true;
        }

        var image = product.Images[index] with
        {
            CachedBlobKey = analysis.CachedBlobKey,
            DetectedClassifications = product.Images[index].DetectedClassifications.SetItems(analysis.DetectedClassifications),
            FetchFailure = analysis.FetchFailure,
        };
        // Not a change of the product by its owner: neither updatedAt nor the lifetime move.
        await CommitAsync(product with { Images = product.Images.SetItem(index, image), Version = state.State.LastVersion + 1 });
        return true;
    }

    public async Task<bool> PurgeIfExpiredAsync(CancellationToken cancellationToken = default)
    {
        var expired = state.State.Product is { } product && product.IsExpiredAt(clock.GetUtcNow());
        await CurrentAsync();
        return expired;
    }

    private void RequestFetchOfUncachedImages()
    {
        if (state.State.Product?.Images.Any(image => image.NeedsFetch) == true)
        {
            analyzer.Enqueue(this.GetPrimaryKeyString());
        }
    }

    /// <summary>The live product; an expired one is purged here, whoever asks first (a call or the sweep).</summary>
    private async Task<ProductSnapshot?> CurrentAsync()
    {
        if (state.State.Product is not { } product)
        {
            return null;
        }

        if (!product.IsExpiredAt(clock.GetUtcNow()))
        {
            return product;
        }

        await RemoveAsync(product);
        LogExpired(logger, AccountId, ExternalId, product.ExpiresAt!.Value);
        return null;
    }

    private async Task RemoveAsync(ProductSnapshot product)
    {
        state.State.Product = null;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await Publisher.PublishAsync();
        await DeleteStoredImagesAsync(product.Images, keep: []);
    }

    private async Task CommitAsync(ProductSnapshot product)
    {
        state.State.Product = product;
        state.State.LastVersion = product.Version;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await Publisher.PublishAsync();
    }

    private Task PublishStateAsync() => state.State.Product is { } product
        ? readModel.UpsertAsync(product, CancellationToken.None)
        : readModel.DeleteAsync(AccountId, ExternalId, CancellationToken.None);

    /// <summary>Stored bytes of images no longer referenced; files are removed after the state that pointed to them.</summary>
    private async Task DeleteStoredImagesAsync(IEnumerable<ProductImage> images, ImmutableArray<ProductImage> keep)
    {
        var kept = keep.Select(image => image.BlobKey).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var blobKey in images.Select(image => image.BlobKey).OfType<string>().Where(key => !kept.Contains(key)))
        {
            try
            {
                await blobs.DeleteAsync(blobKey, CancellationToken.None);
            }
            catch (IOException exception)
            {
                LogBlobNotDeleted(logger, exception, blobKey);
            }
        }
    }

    /// <summary>
    /// The new image list. A URL the product already has keeps its image: id, cached copy and detected
    /// classifications, so re-sending a catalogue does not fetch every image again. Only the caller's
    /// classifications and the order come from the request.
    /// </summary>
    private static ImmutableArray<ProductImage> BuildImages(ImmutableArray<ProductImageInput> inputs, ImmutableArray<ProductImage> current, DateTimeOffset now)
    {
        var reusable = current.Where(image => image.StoredBlobKey is null).ToList();
        var built = ImmutableArray.CreateBuilder<ProductImage>(inputs.Length);
        foreach (var (input, order) in inputs.Select((input, order) => (input, order)))
        {
            var same = input.Url is null ? null : reusable.Find(image => image.SourceUrl == input.Url);
            if (same is not null)
            {
                reusable.Remove(same);
                built.Add(same with
                {
                    Order = order,
                    GivenClassifications = input.Classifications,
                    DetectedClassifications = same.DetectedClassifications.SetItems(input.DetectedClassifications),
                    // Sending a URL again is a reason to try a fetch that failed once more.
                    FetchFailure = null,
                });
                continue;
            }

            built.Add(new ProductImage(
                input.UploadedImageId ?? "pimg_" + Ulid.NewUlid(now).ToLowerInvariant(),
                input.Url ?? $"upload://{input.UploadedImageId}",
                order,
                input.Classifications,
                input.StoredBlobKey,
                input.DetectedClassifications,
                null,
                null));
        }

        return built.ToImmutable();
    }

    /// <summary>A catalogue call adopts an inline or one-shot product: from then on the merchant manages it.</summary>
    private static ProductKind Promote(ProductKind existing, ProductKind requested) =>
        requested == ProductKind.Catalog ? ProductKind.Catalog : existing;

    /// <summary>
    /// Days the product lives between uses: a catalogue product forever unless <c>validForDays</c> says otherwise
    /// (given null switches back to forever, omitted keeps the current value); inline products 15; one-shots 7.
    /// </summary>
    private static int? LifetimeDays(ProductSnapshot? existing, ProductUpsert upsert, ProductKind kind) => kind switch
    {
        ProductKind.Catalog when upsert.ValidForDaysGiven => upsert.ValidForDays,
        ProductKind.Catalog => existing?.Kind == ProductKind.Catalog ? existing.ValidForDays : null,
        ProductKind.Inline => existing?.ValidForDays ?? InlineLifetimeDays,
        _ => OneShotLifetimeDays,
    };

    [LoggerMessage(1, LogLevel.Information, "Product {ExternalId} of account {AccountId} deleted")]
    private static partial void LogDeleted(ILogger logger, string accountId, string externalId);

    [LoggerMessage(2, LogLevel.Information, "Product {ExternalId} of account {AccountId} expired at {ExpiresAt} and was purged")]
    private static partial void LogExpired(ILogger logger, string accountId, string externalId, DateTimeOffset expiresAt);

    [LoggerMessage(3, LogLevel.Warning, "Stored product image {BlobKey} could not be deleted")]
    private static partial void LogBlobNotDeleted(ILogger logger, Exception exception, string blobKey);
}
