using System.Collections.Immutable;
using TryOn.Contracts;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Products;
using TryOn.Pipeline.Images;
using TryOn.Storage.Blobs;
using TryOn.Web.Accounts;
using TryOn.Web.Errors;
using TryOn.Web.Images;
using TryOn.Web.Multipart;

namespace TryOn.Web.Products;

/// <summary>
/// Turns the images of a product request into what the product grain stores. URL images are kept as URLs (fetched
/// when a generation needs them). Uploaded parts are checked and normalised now, written to the blob store before
/// the product points to them, and classified (on a model, flat lay, ghost mannequin; front or back from the file
/// name). Caller classifications always win over detected ones. An upload that does not fit in the account's storage
/// quota is not stored (<see cref="StorageQuota"/>), and neither are the request's others.
/// </summary>
internal sealed class ProductImageIntake(
    ImagePipeline pipeline,
    IBlobStore blobs,
    StorageQuota quota,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock)
{
    public async Task<(ImmutableArray<ProductImageInput>? Images, ApiError? Error)> AcceptAsync(
        string accountId, ImmutableArray<ProductImageRequest>? requested, IReadOnlyDictionary<string, FilePart>? files, string path, CancellationToken cancellationToken)
    {
        if (requested is not { } images)
        {
            return (null, null);
        }

        var accepted = ImmutableArray.CreateBuilder<ProductImageInput>(images.Length);
        var stored = new List<string>();
        for (var index = 0; index < images.Length; index++)
        {
            var image = images[index];
            if (image.Url is { } url)
            {
                var fromName = ProductCatalogue.ViewFromName(new Uri(url).AbsolutePath).ToImmutableDictionary();
                accepted.Add(new ProductImageInput(url, null, null, image.Classifications, fromName));
                continue;
            }

            ProductImageInput? input;
            ApiError? error;
            try
            {
                (input, error) = await StoreUploadAsync(accountId, image, files, $"{path}images.{index}", cancellationToken);
            }
            catch
            {
                await DiscardAsync(stored);
                throw;
            }

            if (error is not null)
            {
                await DiscardAsync(stored);
                return (null, error);
            }

            stored.Add(input!.StoredBlobKey!);
            accepted.Add(input);
        }

        return (accepted.ToImmutable(), null);
    }

    /// <summary>Removes stored uploads that no product points to (the request failed before or at the upsert).</summary>
    public Task DiscardAsync(IEnumerable<string> blobKeys) => blobs.DeleteAllAsync(blobKeys);

    private async Task<(ProductImageInput? Input, ApiError? Error)> StoreUploadAsync(
        string accountId, ProductImageRequest image, IReadOnlyDictionary<string, FilePart>? files, string path, CancellationToken cancellationToken)
    {
        if (files is null || !files.TryGetValue(image.FileKey!, out var file))
        {
            return (null, ApiError.Of(ErrorCodes.MultipartFileNotFound, $"{path}.source.fileKey names the part '{image.FileKey}', which is not in the request."));
        }

        var normalized = pipeline.Normalize(file.Content);
        if (normalized.Rejection is { } rejection)
        {
            var error = ImageErrors.From(rejection);
            return (null, error with { Message = $"Part '{file.Name}': {error.Message}" });
        }

        var bytes = normalized.Value!;
        if (await quota.CheckAsync(accountId, bytes.Bytes.Length, cancellationToken) is { } overQuota)
        {
            return (null, overQuota);
        }

        var imageId = "pimg_" + Ulid.NewUlid(clock).ToLowerInvariant();
        var blobKey = ProductBlobs.Image(accountId, imageId, png: bytes.Format == ImageFormat.Png);
        await blobs.WriteAsync(blobKey, new MemoryStream(bytes.Bytes, writable: false), CancellationToken.None);

        var detected = GarmentPhotoClassifier.ToClassifications(GarmentPhotoClassifier.Classify(bytes.Bytes))
            .Concat(ProductCatalogue.ViewFromName(file.FileName))
            .ToImmutableDictionary(pair => pair.Key, pair => pair.Value);
        return (new ProductImageInput(null, imageId, blobKey, image.Classifications, detected), null);
    }
}
