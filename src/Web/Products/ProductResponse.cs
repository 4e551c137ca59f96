using System.Collections.Immutable;
using System.Text.Json;
using TryOn.Contracts.Products;

namespace TryOn.Web.Products;

internal sealed record ProductImageResponse(string SourceUrl, int Order, ImmutableDictionary<string, bool> Classifications);

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
        [.. product.Images.Select(image => new ProductImageResponse(image.SourceUrl, image.Order, image.Classifications))],
        product.MetadataJson is null ? null : JsonDocument.Parse(product.MetadataJson).RootElement.Clone(),
        product.ValidForDays,
        product.LastUsedAt,
        product.ExpiresAt,
        product.CreatedAt,
        product.UpdatedAt);
}

/// <summary>docs/products.md: <c>totalGenerations</c> counts unfinished ones too; the average is over completed ones, 0 when none.</summary>
internal sealed record ProductStatsResponse(long TotalGenerations, long CompletedGenerations, long FailedGenerations, long AvgGenerationTimeMs);
