using System.Collections.Immutable;

namespace TryOn.Contracts.Products;

/// <summary>How a product came to be; it decides its default lifetime and whether it is listed.</summary>
[GenerateSerializer, Alias("tryon.products.ProductKind")]
public enum ProductKind
{
    /// <summary>Made with <c>POST /products</c>: kept forever unless <c>validForDays</c> says otherwise; listed.</summary>
    Catalog = 0,

    /// <summary>Made inline by a try-on call with an <c>externalId</c>: lives 15 days from last use; listed.</summary>
    Inline = 1,

    /// <summary>Made by a try-on call without an <c>externalId</c> (<c>_anon_…</c>): lives 7 days from last use; never listed.</summary>
    OneShot = 2,
}

/// <summary>
/// One product image as the caller described it. Exactly one source: a URL (fetched when a generation needs it)
/// or bytes already stored from a multipart part (<see cref="StoredBlobKey"/>, shown as <c>upload://&lt;imageId&gt;</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.products.ProductImageInput")]
public sealed record ProductImageInput(
    [property: Id(0)] string? Url,
    [property: Id(1)] string? UploadedImageId,
    [property: Id(2)] string? StoredBlobKey,
    [property: Id(3)] ImmutableDictionary<string, bool> Classifications,
    [property: Id(4)] ImmutableDictionary<string, bool> DetectedClassifications);

/// <summary>
/// A create-or-update. Null fields keep their value; <see cref="Images"/>, when given, replaces the whole list;
/// <see cref="ValidForDays"/> is applied only when <see cref="ValidForDaysGiven"/> (null then means "forever").
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.products.ProductUpsert")]
public sealed record ProductUpsert(
    [property: Id(0)] ProductKind Kind,
    [property: Id(1)] string? Title,
    [property: Id(2)] string? Description,
    [property: Id(3)] ImmutableArray<ProductImageInput>? Images,
    [property: Id(4)] string? MetadataJson,
    [property: Id(5)] bool MetadataGiven,
    [property: Id(6)] int? ValidForDays,
    [property: Id(7)] bool ValidForDaysGiven,
    [property: Id(8)] string? Category);

/// <summary>
/// One image of a product. <see cref="StoredBlobKey"/> holds uploaded bytes; <see cref="CachedBlobKey"/> the
/// normalised copy of a URL image once it has been fetched (so it is fetched and decoded once per product image).
/// Classifications the caller gave always win over detected ones.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.products.ProductImage")]
public sealed record ProductImage(
    [property: Id(0)] string ImageId,
    [property: Id(1)] string SourceUrl,
    [property: Id(2)] int Order,
    [property: Id(3)] ImmutableDictionary<string, bool> GivenClassifications,
    [property: Id(4)] string? StoredBlobKey,
    [property: Id(5)] ImmutableDictionary<string, bool> DetectedClassifications,
    [property: Id(6)] string? CachedBlobKey,
    [property: Id(7)] string? FetchFailure)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public ImmutableDictionary<string, bool> Classifications => DetectedClassifications.SetItems(GivenClassifications);

    /// <summary>Where the image's bytes are, when we have them: uploaded, or fetched and cached.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? BlobKey => StoredBlobKey ?? CachedBlobKey;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool NeedsFetch => StoredBlobKey is null && CachedBlobKey is null && FetchFailure is null;
}

/// <summary>What fetching and looking at a URL image found: its cached copy and classifications, or why it failed.</summary>
[GenerateSerializer, Immutable, Alias("tryon.products.ProductImageAnalysis")]
public sealed record ProductImageAnalysis(
    [property: Id(0)] string ImageId,
    [property: Id(1)] string? CachedBlobKey,
    [property: Id(2)] ImmutableDictionary<string, bool> DetectedClassifications,
    [property: Id(3)] string? FetchFailure);

[GenerateSerializer, Immutable, Alias("tryon.products.ProductSnapshot")]
public sealed record ProductSnapshot(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string ExternalId,
    [property: Id(2)] ProductKind Kind,
    [property: Id(3)] string? Title,
    [property: Id(4)] string? Description,
    [property: Id(5)] ImmutableArray<ProductImage> Images,
    [property: Id(6)] string? MetadataJson,
    [property: Id(7)] int? ValidForDays,
    [property: Id(8)] string Category,
    [property: Id(9)] DateTimeOffset? LastUsedAt,
    [property: Id(10)] DateTimeOffset? ExpiresAt,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] DateTimeOffset UpdatedAt,
    [property: Id(13)] long Version,
    [property: Id(14)] bool CategoryGiven)
{
    public bool IsListed => Kind != ProductKind.OneShot;

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expiresAt && expiresAt <= now;
}

[GenerateSerializer, Alias("tryon.products.ProductUpsertStatus")]
public enum ProductUpsertStatus
{
    Created = 0,
    Updated = 1,

    /// <summary>A new product needs at least one image; nothing was stored.</summary>
    ImagesRequired = 2,
}

[GenerateSerializer, Immutable, Alias("tryon.products.ProductUpsertResult")]
public sealed record ProductUpsertResult(
    [property: Id(0)] ProductUpsertStatus Status,
    [property: Id(1)] ProductSnapshot? Product);

/// <summary>Keys of product grains: unique per account.</summary>
public static class ProductKeys
{
    public const string AnonymousPrefix = "_anon_";
    public const int MaxExternalIdLength = 128;

    public static string GrainKey(string accountId, string externalId) => $"{accountId}/prod/{externalId}";

    /// <summary>An external id can name a product: 1 to 128 characters, none of them blank, control or URL-special.</summary>
    public static bool IsValidExternalId(string? value)
    {
        if (value is not { Length: > 0 and <= MaxExternalIdLength })
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c <= ' ' || c == 0x7F || c is '/' or '?' or '#' or '%' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
