using System.Text.Json;
using System.Text.Json.Serialization;
using TryOn.Web.Json;

namespace TryOn.Web.Products;

/// <summary>
/// A product as sent (docs/products.md): the body of <c>POST /products</c>, or inline in a try-on. Every field is an
/// <see cref="Optional{T}"/> because absent and null mean different things on update. <see cref="ImageUrls"/> and an
/// image's own <c>url</c>/<c>fileKey</c> are the deprecated 1.0 forms of <see cref="Images"/> and its <c>source</c>.
/// </summary>
internal sealed record ProductBody
{
    public Optional<string> ExternalId { get; init; }

    public Optional<string> Title { get; init; }

    public Optional<string> Description { get; init; }

    public Optional<string> Category { get; init; }

    public Optional<IReadOnlyList<Optional<ProductImageBody>>> Images { get; init; }

    public Optional<IReadOnlyList<Optional<string>>> ImageUrls { get; init; }

    /// <summary>Any JSON the merchant keeps with the product, stored as sent.</summary>
    public Optional<JsonElement> Metadata { get; init; }

    public Optional<int> ValidForDays { get; init; }

    /// <summary>Properties the contract does not name; ignored, but a product that has one is not a bare reference.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unnamed { get; init; }

    /// <summary>A reference names a product and nothing else: it sends <c>externalId</c> alone.</summary>
    [JsonIgnore]
    public bool IsReference => ExternalId.HasValue && (Unnamed is null || Unnamed.Count == 0)
        && !(Title.IsGiven || Description.IsGiven || Category.IsGiven || Images.IsGiven || ImageUrls.IsGiven || Metadata.IsGiven || ValidForDays.IsGiven);
}

/// <summary>Where a product image comes from: a URL, or the name of a multipart part.</summary>
internal record ProductImageSourceBody
{
    public Optional<string> Url { get; init; }

    public Optional<string> FileKey { get; init; }
}

/// <summary>
/// One image of a product: its <see cref="Source"/> and the caller's classifications. The inherited <c>url</c> and
/// <c>fileKey</c> are the 1.0 form, before they moved into <c>source</c>.
/// </summary>
internal sealed record ProductImageBody : ProductImageSourceBody
{
    public Optional<ProductImageSourceBody> Source { get; init; }

    public Optional<NamedValues<bool>> Classifications { get; init; }
}
