using TryOn.Grains.Products;

namespace TryOn.Grains.Engines;

/// <summary>An engine chosen for a product, or why none can run.</summary>
public sealed record EngineChoice(ITryOnEngine? Engine, ProductImage? Image, string? MissingClassification, string? Problem);

/// <summary>
/// Picks the engine for a product: the mock engine for products titled <c>mock</c>, otherwise the engine registered
/// last for the product's category (a host's own registration overrides the defaults); then the first product
/// image that has every classification the engine requires.
/// </summary>
public sealed class EngineRegistry(IEnumerable<ITryOnEngine> engines)
{
    private readonly IReadOnlyList<ITryOnEngine> _engines = [.. engines];

    public EngineChoice Choose(ProductSnapshot product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var engine = string.Equals(product.Title?.Trim(), MockEngine.ProductTitle, StringComparison.OrdinalIgnoreCase)
            ? _engines.FirstOrDefault(candidate => candidate.Name == MockEngine.ProductTitle)
            : _engines.LastOrDefault(candidate => candidate.Categories.Contains(product.Category));
        if (engine is null)
        {
            return new EngineChoice(null, null, null, $"No engine is installed for the category '{product.Category}'.");
        }

        var image = product.Images.FirstOrDefault(candidate =>
            engine.RequiredClassifications.All(key => candidate.Classifications.TryGetValue(key, out var value) && value));
        if (image is null)
        {
            var missing = engine.RequiredClassifications.FirstOrDefault(key => !product.Images.Any(candidate => candidate.Classifications.GetValueOrDefault(key)))
                ?? engine.RequiredClassifications[0];
            return new EngineChoice(engine, null, missing, $"The {engine.Name} engine needs a product image classified '{missing}'.");
        }

        return new EngineChoice(engine, image, null, null);
    }
}
