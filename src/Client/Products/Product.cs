using System.Text.Json;

namespace TryOn.Client.Products;

/// <summary>
/// A product as <c>POST /tryon/v1/products</c> takes it, and as a try-on's <c>products[0]</c>: only
/// <see cref="ExternalId"/> to refer to a stored product; with more fields it is created or updated (omitted fields
/// keep their value); without <see cref="ExternalId"/> in a try-on it is a one-shot product (docs/products.md).
/// </summary>
public sealed record ProductInput
{
    public string? ExternalId { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    /// <summary><c>tops</c>, <c>bottoms</c>, <c>dresses</c>, <c>outerwear</c>, …; derived from the title and description when omitted.</summary>
    public string? Category { get; init; }

    /// <summary>Replaces the whole list when given; required when the product is created.</summary>
    public IReadOnlyList<ProductImageInput>? Images { get; init; }

    /// <summary>Any JSON, returned as given.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>1–365 days from the last use; omitted: unchanged (kept forever on create).</summary>
    public int? ValidForDays { get; init; }
}

/// <summary>A product image: a URL the server fetches, or a file part of the request; <see cref="Classifications"/> override detection.</summary>
public sealed record ProductImageInput
{
    public required ProductImageSource Source { get; init; }

    /// <summary><c>on_model</c>, <c>flat_lay</c>, <c>ghost_mannequin</c>, <c>front</c>, <c>back</c>, <c>detail</c>.</summary>
    public IReadOnlyDictionary<string, bool>? Classifications { get; init; }

    public static ProductImageInput FromUrl(Uri url, IReadOnlyDictionary<string, bool>? classifications = null) =>
        new() { Source = new ProductImageSource { Url = url.AbsoluteUri }, Classifications = classifications };

    /// <summary>A part of the request's multipart form: pass a <see cref="FilePart"/> with this key beside the request.</summary>
    public static ProductImageInput FromFile(string fileKey, IReadOnlyDictionary<string, bool>? classifications = null) =>
        new() { Source = new ProductImageSource { FileKey = fileKey }, Classifications = classifications };
}

public sealed record ProductImageSource
{
    public string? Url { get; init; }

    public string? FileKey { get; init; }
}

/// <summary>A stored product (docs/products.md).</summary>
public sealed record Product
{
    public required string ExternalId { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public required string Category { get; init; }

    public required IReadOnlyList<ProductImage> Images { get; init; }

    public JsonElement? Metadata { get; init; }

    public int? ValidForDays { get; init; }

    public DateTimeOffset? LastUsedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

public sealed record ProductImage
{
    /// <summary>The image's URL, or <c>upload://…</c> for an uploaded file.</summary>
    public required string SourceUrl { get; init; }

    public required int Order { get; init; }

    public required IReadOnlyDictionary<string, bool> Classifications { get; init; }

    /// <summary>Why the server could not load this image, when it could not (a try-on on it fails with <c>PRODUCT_IMAGE_FETCH_FAILED</c>).</summary>
    public string? FetchFailure { get; init; }
}

/// <summary><c>GET /tryon/v1/products/:externalId/stats</c>.</summary>
public sealed record ProductStats
{
    public required long TotalGenerations { get; init; }

    public required long CompletedGenerations { get; init; }

    public required long FailedGenerations { get; init; }

    public required long AvgGenerationTimeMs { get; init; }
}
