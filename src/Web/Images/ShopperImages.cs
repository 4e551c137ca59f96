using TryOn.Contracts;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Images;
using TryOn.Contracts.People;
using TryOn.Pipeline.Images;
using TryOn.Storage.Blobs;
using TryOn.Web.Accounts;
using TryOn.Web.Errors;

namespace TryOn.Web.Images;

/// <summary>
/// Stores a shopper photo the way every entry point needs it (upload, try-on by URL or by multipart part): checked and
/// decoded by the image pipeline, the person in it found by <see cref="IPersonAnalysisGrain"/> (where the models run),
/// cut to the crop that analysis chose, written to the blob store with the person's mask, then recorded by its
/// <see cref="IImageGrain"/> with its owner, end user, retention and person (for a try-on's photo, by its admission).
/// Bytes nothing records are removed again.
/// A photo that does not fit in the account's storage quota is not stored (<see cref="StorageQuota"/>).
/// </summary>
internal sealed class ShopperImages(
    ImagePipeline pipeline,
    IBlobStore blobs,
    StorageQuota quota,
    IGrainFactory grains,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock)
{
    /// <summary>Stores and records the photo with <paramref name="keepForDays"/> of retention (an upload).</summary>
    public async Task<(StoredImageRecord? Image, ApiError? Error)> StoreAsync(
        string accountId, byte[] bytes, bool cropToPortrait, string? externalUserId, int keepForDays, CancellationToken cancellationToken = default)
    {
        var (upload, error) = await WriteAsync(accountId, bytes, cropToPortrait, externalUserId, cancellationToken);
        if (upload is null)
        {
            return (null, error);
        }

        var record = upload.Image with { ExpiresAt = upload.Image.CreatedAt.AddDays(keepForDays) };
        await blobs.RecordOrDeleteAsync(BlobKeysOf(upload), () => grains.GetGrain<IImageGrain>(record.ImageId).RecordAsync(record, CancellationToken.None));
        return (record, null);
    }

    /// <summary>
    /// Stores the photo without recording it (a try-on's, which its admission records with the retention it resolves,
    /// or removes); <see cref="StoredImageRecord.ExpiresAt"/> is left for the recorder to set.
    /// </summary>
    public async Task<(ShopperUpload? Upload, ApiError? Error)> WriteAsync(
        string accountId, byte[] bytes, bool cropToPortrait, string? externalUserId, CancellationToken cancellationToken = default)
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
        var blobKey = ImageBlobs.Key(accountId, imageId, png: image.Format == ImageFormat.Png);
        var maskKey = reading.MaskPng is null ? null : ImageBlobs.MaskKey(accountId, imageId);
        var upload = new ShopperUpload(
            new StoredImageRecord(imageId, accountId, blobKey, image.ContentType, image.Width, image.Height, externalUserId, now, now, reading.Person),
            maskKey);

        // Bytes first, then (by the caller) the record that points to them; once written, neither step is cancelled half-way.
        await blobs.WriteAsync(blobKey, new MemoryStream(image.Bytes, writable: false), CancellationToken.None);
        try
        {
            if (maskKey is not null)
            {
                await blobs.WriteAsync(maskKey, new MemoryStream(reading.MaskPng!, writable: false), CancellationToken.None);
            }
        }
        catch
        {
            await blobs.DeleteAllAsync(BlobKeysOf(upload));
            throw;
        }

        return (upload, null);
    }

    private static string[] BlobKeysOf(ShopperUpload upload) =>
        upload.MaskBlobKey is { } mask ? [mask, upload.Image.BlobKey] : [upload.Image.BlobKey];
}
