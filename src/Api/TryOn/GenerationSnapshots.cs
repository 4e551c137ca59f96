using TryOn.Grains.Engines;
using TryOn.Grains.Generations;
using TryOn.Grains.Products;
using TryOn.Grains.Storage;

namespace TryOn.Api.TryOn;

/// <summary>
/// A generation keeps its own copy of the uploaded product image it will use, so replacing or deleting the
/// product (or its expiry) while the generation waits cannot take the bytes away from it. URL images need no copy:
/// a generation whose cached copy is gone fetches the URL again.
/// </summary>
internal sealed class GenerationSnapshots(IBlobStore blobs)
{
    public async Task<(ProductSnapshot Product, IReadOnlyList<string> Copies)> TakeAsync(string generationId, ProductSnapshot product, EngineRegistry engines)
    {
        if (engines.Choose(product).Image is not { StoredBlobKey: { } source } image)
        {
            return (product, []);
        }

        var copy = GenerationBlobs.ProductCopy(product.AccountId, generationId, Path.GetExtension(source));
        if (!await blobs.CopyAsync(source, copy, CancellationToken.None))
        {
            return (product, []);
        }

        var index = product.Images.IndexOf(image);
        return (product with { Images = product.Images.SetItem(index, image with { StoredBlobKey = copy }) }, [copy]);
    }

    public async Task DiscardAsync(IReadOnlyList<string> copies)
    {
        foreach (var copy in copies)
        {
            await blobs.DeleteAsync(copy, CancellationToken.None);
        }
    }
}
