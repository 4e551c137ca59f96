using TryOn.Api.Accounts;
using TryOn.Api.Errors;
using TryOn.Grains.Hosting;
using TryOn.Grains.Ids;
using TryOn.Grains.Images;
using TryOn.Grains.People;
using TryOn.Grains.Storage;
using TryOn.Pipeline.Images;

namespace TryOn.Api.Images;

/// <summary>
/// Stores a shopper photo the way every entry point needs it (upload, try-on by URL or by multipart part): checked and
/// decoded by the image pipeline, the person in it found by <see cref="IPersonAnalysisGrain"/> (where the models run),
/// cut to the crop that analysis chose, written to the blob store with the person's mask, then recorded by its
/// <see cref="IImageGrain"/> with its owner, end user, retention and person. Bytes nothing records are removed again.
/// A photo that does not fit in the account's storage quota is not stored (<see cref="StorageQuota"/>).
/// </summary>
internal sealed class ShopperImages(
    ImagePipeline pipeline,
    IBlobStore blobs,
    StorageQuota quota,
    IGrainFactory grains,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock)
{
    public async Task<(StoredImageRecord? Image, ApiError? Error)> StoreAsync(
        string accountId, byte[] bytes, bool cropToPortrait, string? externalUserId, int keepForDays, CancellationToken cancellationToken = default)
    {
        var decoded = pipeline.DecodePhoto(bytes);
        if (decoded.Rejection is { } rejection)
        {
            return (null, ImageErrors.From(rejection));
        }

        StoredImage image;
        PersonReading reading;
        using (var photo = decoded.Value!)
        {
            reading = await grains.GetGrain<IPersonAnalysisGrain>(0).AnalyzeAsync(PersonPhoto.Of(photo), cropToPortrait, cancellationToken);
            image = photo.Encode(reading.Crop);
        }

        if (await quota.CheckAsync(accountId, image.Bytes.Length + (reading.MaskPng?.Length ?? 0), cancellationToken) is { } overQuota)
        {
            return (null, overQuota);
        }

        var now = clock.GetUtcNow();
        var imageId = ResourceIds.NewImageId(now);
        var blobKey = ImageBlobs.Key(accountId, imageId, image.Format);
        var maskKey = ImageBlobs.MaskKey(accountId, imageId);

        // Bytes first, then the record that points to them; once written, neither step is cancelled half-way.
        await blobs.WriteAsync(blobKey, new MemoryStream(image.Bytes, writable: false), CancellationToken.None);
        var record = new StoredImageRecord(imageId, accountId, blobKey, image.ContentType, image.Width, image.Height,
            externalUserId, now, now.AddDays(keepForDays), reading.Person);
        try
        {
            if (reading.MaskPng is { } mask)
            {
                await blobs.WriteAsync(maskKey, new MemoryStream(mask, writable: false), CancellationToken.None);
            }

            await grains.GetGrain<IImageGrain>(imageId).RecordAsync(record, CancellationToken.None);
        }
        catch
        {
            await blobs.DeleteAsync(maskKey, CancellationToken.None);
            await blobs.DeleteAsync(blobKey, CancellationToken.None);
            throw;
        }

        return (record, null);
    }
}
