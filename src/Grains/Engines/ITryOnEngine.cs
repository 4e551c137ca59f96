using TryOn.Contracts.People;
using TryOn.Contracts.Products;
using TryOn.Pipeline.Images;

namespace TryOn.Grains.Engines;

/// <summary>
/// What an engine works from: the shopper photo and the chosen product image, both normalised bytes, and what the
/// person analysis found in the photo (its landmarks, and the mask PNG stored beside it), when it ran.
/// </summary>
public sealed record EngineInput(
    byte[] ShopperImage,
    byte[] ProductImage,
    ProductSnapshot Product,
    PersonAnalysis? Person = null,
    byte[]? PersonMask = null,
    IReadOnlyDictionary<string, bool>? ProductClassifications = null);

/// <summary>
/// An engine cannot dress this photo with this garment (a pose it cannot follow, a garment whose shape it cannot read):
/// the generation fails with <c>GENERATION_FAILED</c> and <see cref="Exception.Message"/>, which names the reason and
/// what to try, as its <c>errorMessage</c>.
/// </summary>
public sealed class EngineRefusalException(string message) : Exception(message);

/// <summary>
/// Turns a shopper photo and a product image into a try-on result. Engines are picked per product category and
/// declare the image classifications they need (for example a <c>flat_lay</c> product photo). They run on the
/// inference scheduler, never in a grain turn, report progress from 0 to 1 and stop when cancelled.
/// </summary>
public interface ITryOnEngine
{
    string Name { get; }

    /// <summary>Categories this engine serves; empty for engines chosen another way (the mock engine).</summary>
    IReadOnlySet<string> Categories { get; }

    /// <summary>Classifications the product image must have; the first image with all of them is used.</summary>
    IReadOnlyList<string> RequiredClassifications { get; }

    /// <summary>
    /// Classifications any one of which serves instead of <see cref="RequiredClassifications"/>, when no image has
    /// those: the pose-warp engine takes a garment worn by a model (<c>on_model</c>) when there is no flat lay.
    /// </summary>
    IReadOnlyList<string> AlternativeClassifications => [];

    /// <summary>
    /// Why this engine cannot dress the person in a stored photo (<paramref name="imageWidth"/> x
    /// <paramref name="imageHeight"/>) with <paramref name="product"/>, when the person analysis already tells (a pose it
    /// cannot follow): checked at admission, before any credit is reserved. Null when it can, or cannot know yet.
    /// </summary>
    PersonProblem? ProblemWith(PersonAnalysis person, int imageWidth, int imageHeight, ProductSnapshot product) => null;

    /// <summary>
    /// The result's pixels, at the size the engine makes it; the generation checks them, stamps the watermark on them
    /// and encodes them once.
    /// </summary>
    Task<RgbImage> RunAsync(EngineInput input, IProgress<double> progress, CancellationToken cancellationToken);
}
