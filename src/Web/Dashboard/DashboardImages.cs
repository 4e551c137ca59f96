using TryOn.Pipeline.Images;
using TryOn.Storage.Blobs;
using TryOn.Web.Files;

namespace TryOn.Web.Dashboard;

/// <summary>
/// A stored image as a dashboard page shows it: the file itself, or a preview for lists and thumbnails. Pages serve
/// the account's images from their own origin (their policy allows no other), after checking the image is the
/// signed-in account's; this is the part they share once they have its key.
/// </summary>
internal sealed class DashboardImages(IBlobStore blobs, ImagePipeline pipeline)
{
    /// <summary>The longest side of a preview: list thumbnails at twice their drawn size.</summary>
    public const int PreviewSide = 240;

    /// <summary>The bytes to answer and their type; null when there is no such file.</summary>
    public async Task<(byte[] Bytes, string ContentType)?> ReadAsync(string? blobKey, bool preview, CancellationToken cancellationToken)
    {
        await using var stream = blobKey is null ? null : await blobs.OpenReadAsync(blobKey, cancellationToken);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        return preview && pipeline.Preview(bytes, PreviewSide).Value is { } small
            ? (small.Bytes, "image/jpeg")
            : (bytes, FileEndpoints.ContentTypeOf(blobKey!));
    }
}
