using TryOn.Grains.Products;

namespace TryOn.Grains.Engines;

/// <summary>What an engine works from: the shopper photo and the chosen product image, both normalised bytes.</summary>
public sealed record EngineInput(byte[] ShopperImage, byte[] ProductImage, ProductSnapshot Product);

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

    /// <summary>The result image, encoded (JPEG or PNG).</summary>
    Task<byte[]> RunAsync(EngineInput input, IProgress<double> progress, CancellationToken cancellationToken);
}
