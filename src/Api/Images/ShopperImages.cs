using TryOn.Api.Errors;
using TryOn.Grains.Hosting;
using TryOn.Grains.Ids;
using TryOn.Grains.Images;
using TryOn.Grains.Storage;
using TryOn.Pipeline.Images;

namespace TryOn.Api.Images;

/// <summary>
/// Stores a shopper photo the way every entry point needs it (upload, try-on by URL or by multipart part): checked
/// and normalised by the image pipeline, written to the blob store, then recorded by its <see cref="IImageGrain"/>
/// with its owner, end user and retention. Bytes nothing records are removed again.
/// </summary>
internal sealed class ShopperImages(
    ImagePipeline pipeline,
    IBlobStore blobs,
    IGrainFactory grains,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock)
{
    public async Task<(StoredImageRecord? Image, ApiError? Error)> StoreAsync(
        string accountId, byte[] bytes, bool cropToPortrait, string? externalUserId, int keepForDays)
    {
        var normalized = pipeline.Normalize(bytes, cropToPortrait);
        if (normalized.Rejection is { } rejection)
        {
            return (null, ImageErrors.From(rejection));
        }

        var image = normalized.Value!;
        var now = clock.GetUtcNow();
        var imageId = "img_" + Ulid.NewUlid(now).ToLowerInvariant();
        var blobKey = ImageBlobs.Key(accountId, imageId, image.Format);

        // Bytes first, then the record that points to them; once written, neither step is cancelled half-way.
        await blobs.WriteAsync(blobKey, new MemoryStream(image.Bytes, writable: false), CancellationToken.None);
        var record = new StoredImageRecord(imageId, accountId, blobKey, image.ContentType, image.Width, image.Height,
            externalUserId, now, now.AddDays(keepForDays));
        try
        {
            await grains.GetGrain<IImageGrain>(imageId).RecordAsync(record, CancellationToken.None);
        }
        catch
        {
            await blobs.DeleteAsync(blobKey, CancellationToken.None);
            throw;
        }

        return (record, null);
    }
}
