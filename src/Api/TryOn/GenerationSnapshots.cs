using TryOn.Grains.Engines;
using TryOn.Grains.Generations;
using TryOn.Grains.Products;
using TryOn.Grains.Storage;
using TryOn.Pipeline.IO;

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

        await using var original = await blobs.OpenReadAsync(source, CancellationToken.None);
        if (original is null)
        {
            return (product, []);
        }

        var bytes = await BoundedRead.ReadToEndAsync(original, long.MaxValue, CancellationToken.None);
        var copy = GenerationBlobs.ProductCopy(product.AccountId, generationId, Path.GetExtension(source));
        await blobs.WriteAsync(copy, new MemoryStream(bytes!, writable: false), CancellationToken.None);
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
