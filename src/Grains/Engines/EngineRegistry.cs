using TryOn.Contracts.Products;

namespace TryOn.Grains.Engines;

/// <summary>An engine chosen for a product, or why none can run.</summary>
public sealed record EngineChoice(ITryOnEngine? Engine, ProductImage? Image, string? MissingClassification, string? Problem);

/// <summary>
/// Picks the engine for a product: the mock engine for products titled <c>mock</c>; otherwise the engine the operator
/// named for the product's category (<c>Engines:Categories</c>, for example the <c>composite</c> fallback), else the
/// engine registered last for it (a host's own registration overrides the defaults); then the first product image
/// that has every classification the engine requires.
/// </summary>
public sealed class EngineRegistry
{
    private readonly IReadOnlyList<ITryOnEngine> _engines;
    private readonly Dictionary<string, ITryOnEngine> _named = new(StringComparer.Ordinal);

    public EngineRegistry(IEnumerable<ITryOnEngine> engines, IReadOnlyDictionary<string, string>? categories = null)
    {
        ArgumentNullException.ThrowIfNull(engines);
        _engines = [.. engines];
        foreach (var (category, name) in categories ?? new Dictionary<string, string>())
        {
            var engine = _engines.LastOrDefault(candidate => string.Equals(candidate.Name, name, StringComparison.Ordinal))
                ?? throw new InvalidOperationException(
                    $"{EngineOptions.SectionName}:{nameof(EngineOptions.Categories)}:{category} names the engine '{name}', which is not installed (installed: {string.Join(", ", _engines.Select(candidate => candidate.Name))}).");
            if (!engine.Categories.Contains(category))
            {
                throw new InvalidOperationException(
                    $"{EngineOptions.SectionName}:{nameof(EngineOptions.Categories)}:{category} names the engine '{name}', which does not dress '{category}' (it dresses {string.Join(", ", engine.Categories)}).");
            }

            _named[category] = engine;
        }
    }

    /// <summary>The registry of the service: its engines and the operator's choices of <see cref="EngineOptions.Categories"/>.</summary>
    public static EngineRegistry Create(IEnumerable<ITryOnEngine> engines, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new EngineRegistry(engines, options.Categories);
    }

    /// <summary>Every category an installed engine dresses, sorted.</summary>
    public IReadOnlyList<string> Categories => [.. _engines.SelectMany(engine => engine.Categories).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The engine for <paramref name="product"/> and the image it will use. With <paramref name="engineName"/> (the
    /// engine a generation was admitted for) that engine is kept while it is installed, and only its image is chosen
    /// again (classifications may have been learnt since).
    /// </summary>
    public EngineChoice Choose(ProductSnapshot product, string? engineName = null)
    {
        ArgumentNullException.ThrowIfNull(product);
        var engine = engineName is not null && _engines.LastOrDefault(candidate => candidate.Name == engineName) is { } admitted
            ? admitted
            : string.Equals(product.Title?.Trim(), MockEngine.ProductTitle, StringComparison.OrdinalIgnoreCase)
            ? _engines.FirstOrDefault(candidate => candidate.Name == MockEngine.ProductTitle)
            : _named.GetValueOrDefault(product.Category) ?? _engines.LastOrDefault(candidate => candidate.Categories.Contains(product.Category));
        if (engine is null)
        {
            return new EngineChoice(null, null, null, $"No engine is installed for the category '{product.Category}'.");
        }

        var image = product.Images.FirstOrDefault(candidate =>
            engine.RequiredClassifications.All(key => candidate.Classifications.TryGetValue(key, out var value) && value))
            ?? product.Images.FirstOrDefault(candidate =>
                engine.AlternativeClassifications.Any(key => candidate.Classifications.TryGetValue(key, out var value) && value));
        if (image is null)
        {
            var missing = engine.RequiredClassifications.FirstOrDefault(key => !product.Images.Any(candidate => candidate.Classifications.GetValueOrDefault(key)))
                ?? engine.RequiredClassifications[0];
            var instead = engine.AlternativeClassifications.Count == 0 ? "" : $" (or {string.Join(" or ", engine.AlternativeClassifications.Select(key => $"'{key}'"))})";
            return new EngineChoice(engine, null, missing, $"The {engine.Name} engine needs a product image classified '{missing}'{instead}.");
        }

        return new EngineChoice(engine, image, null, null);
    }
}
