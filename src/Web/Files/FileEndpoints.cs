using Microsoft.AspNetCore.Http.HttpResults;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Storage;
using TryOn.Hosting.Files;
using TryOn.Storage.Blobs;
using TryOn.Web.Errors;

namespace TryOn.Web.Files;

/// <summary>Serves stored files through signed links (docs/api.md). No API key: the signature is the credential.</summary>
internal static class FileEndpoints
{
    public static IEndpointRouteBuilder MapFileEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(FileLinks.RoutePrefix + "{**blobKey}", GetFileAsync)
            .WithName("GetFile")
            .WithTags("Files")
            .WithSummary("Download a file")
            .WithDescription("A stored image through its signed, expiring link (the URL the API answered with; it needs no key).")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "image/png", "image/jpeg", "image/webp")
            .ProducesErrors(ErrorCodes.FileLinkInvalid, ErrorCodes.FileNotFound);
        return endpoints;
    }

    internal static async Task<Results<FileStreamHttpResult, ApiErrorResult>> GetFileAsync(
        string blobKey, string? expires, string? signature, FileLinks links, IBlobStore blobs, HttpResponse response, CancellationToken cancellationToken)
    {
        if (!BlobKey.IsValid(blobKey))
        {
            return new ApiErrorResult(ApiError.Of(ErrorCodes.FileLinkInvalid));
        }

        switch (links.Check(blobKey, expires, signature))
        {
            case FileLinkCheck.Invalid:
                return new ApiErrorResult(ApiError.Of(ErrorCodes.FileLinkInvalid));
            case FileLinkCheck.Expired:
                return new ApiErrorResult(ApiError.Of(ErrorCodes.FileNotFound, "The file link has expired. Ask the API for a fresh one."));
        }

        var stream = await blobs.OpenReadAsync(blobKey, cancellationToken);
        if (stream is null)
        {
            return new ApiErrorResult(ApiError.Of(ErrorCodes.FileNotFound));
        }

        response.Headers.CacheControl = "private, max-age=300";
        response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(stream, ContentTypeOf(blobKey));
    }

    /// <summary>The media type of a stored file, from its key's extension (the store writes only these).</summary>
    internal static string ContentTypeOf(string blobKey) => Path.GetExtension(blobKey) switch
    {
        ".png" => "image/png",
        ".jpg" => "image/jpeg",
        ".webp" => "image/webp",
        _ => "application/octet-stream",
    };
}
