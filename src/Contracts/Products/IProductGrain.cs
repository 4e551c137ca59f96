namespace TryOn.Contracts.Products;

/// <summary>
/// One product of one account, keyed <c>acct_…/prod/&lt;externalId&gt;</c>: its details, images, category and
/// lifetime. An expired product behaves as if it did not exist, and is purged (record and stored images) on sight.
/// </summary>
[Alias("tryon.products.IProductGrain")]
public interface IProductGrain : IGrainWithStringKey
{
    /// <summary>Creates or updates the product. A new product without images is refused and nothing is stored.</summary>
    [Alias("Upsert")]
    Task<ProductUpsertResult> UpsertAsync(ProductUpsert upsert, CancellationToken cancellationToken = default);

    /// <summary>The product, or null when it does not exist or has expired.</summary>
    [Alias("Get")]
    Task<ProductSnapshot?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the product and its stored images; false when there was none. Idempotent.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records what fetching a URL image found. False when the image is no longer part of the product (replaced or
    /// deleted meanwhile); the caller then removes the cached copy it made.
    /// </summary>
    [Alias("RecordImageAnalysis")]
    Task<bool> RecordImageAnalysisAsync(ProductImageAnalysis analysis, CancellationToken cancellationToken = default);

    /// <summary>A generation used the product: <c>lastUsedAt</c> is now and its lifetime starts again. False when it is gone.</summary>
    [Alias("RecordUse")]
    Task<bool> RecordUseAsync(CancellationToken cancellationToken = default);

    /// <summary>Purges the product when its lifetime has ended; true when it did. Driven by the expiry sweep.</summary>
    [Alias("PurgeIfExpired")]
    Task<bool> PurgeIfExpiredAsync(CancellationToken cancellationToken = default);
}
