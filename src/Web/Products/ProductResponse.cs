using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using TryOn.Contracts.Products;

namespace TryOn.Web.Products;

/// <summary>
/// A product image; <c>fetchFailure</c> (ext, only when it failed) says why its URL could not be used: <c>InvalidUrl</c>,
/// <c>BlockedAddress</c>, <c>UnknownHost</c>, <c>Unreachable</c>, <c>Timeout</c>, <c>TooManyRedirects</c>,
/// <c>HttpStatus</c>, <c>TooLarge</c> (the download), or, for bytes that arrived, <c>UnsupportedType</c> or <c>Invalid</c>.
/// </summary>
internal sealed record ProductImageResponse(
    string SourceUrl,
    int Order,
    ImmutableDictionary<string, bool> Classifications,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FetchFailure);

/// <summary>The product object of docs/products.md, plus <c>category</c>.</summary>
internal sealed record ProductResponse(
    string ExternalId,
    string? Title,
    string? Description,
    string Category,
    IReadOnlyList<ProductImageResponse> Images,
    JsonElement? Metadata,
    int? ValidForDays,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ProductResponse From(ProductSnapshot product) => new(
        product.ExternalId,
        product.Title,
        product.Description,
        product.Category,
        [.. product.Images.Select(image => new ProductImageResponse(image.SourceUrl, image.Order, image.Classifications, image.FetchFailure))],
        product.MetadataJson is null ? null : JsonDocument.Parse(product.MetadataJson).RootElement.Clone(),
        product.ValidForDays,
        product.LastUsedAt,
        product.ExpiresAt,
        product.CreatedAt,
        product.UpdatedAt);
}

/// <summary>docs/products.md: <c>totalGenerations</c> counts unfinished ones too; the average is over completed ones, 0 when none.</summary>
internal sealed record ProductStatsResponse(long TotalGenerations, long CompletedGenerations, long FailedGenerations, long AvgGenerationTimeMs);
