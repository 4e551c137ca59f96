using TryOn.Contracts.Errors;

namespace TryOn.Web.Errors;

/// <summary>
/// The error codes an endpoint (or every endpoint of a group) can answer, for the OpenAPI document: each code's status
/// comes from <see cref="ErrorCatalog"/>, so an endpoint names codes and never a status of its own.
/// </summary>
internal sealed record ErrorCodesMetadata(IReadOnlyList<string> Codes);

internal static class ErrorResponseMetadata
{
    /// <summary>What can go wrong with any call that reaches the server: a failure of ours, or one it is too busy for.</summary>
    public static readonly string[] AnyCall = [ErrorCodes.InternalError, ErrorCodes.ServiceUnavailable];

    /// <summary>Reading a JSON body (<see cref="Multipart.RequestBody"/>): its media type, size, deadline, syntax and rules.</summary>
    public static readonly string[] JsonBody =
    [
        ErrorCodes.InvalidJson, ErrorCodes.ValidationFailed, ErrorCodes.UnsupportedMediaType, ErrorCodes.PayloadTooLarge, ErrorCodes.RequestTimeout,
    ];

    /// <summary>Reading a multipart form (<see cref="Multipart.MultipartForm"/>) and the images in it.</summary>
    public static readonly string[] MultipartBody =
    [
        ErrorCodes.MalformedMultipart, ErrorCodes.FileTooLarge, ErrorCodes.InvalidImage, ErrorCodes.UnsupportedImageType,
        ErrorCodes.UnsupportedMediaType, ErrorCodes.PayloadTooLarge, ErrorCodes.RequestTimeout,
    ];

    /// <summary>Declares, for the OpenAPI document, the error codes an endpoint (or a group) can answer.</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params IEnumerable<string> codes)
        where TBuilder : IEndpointConventionBuilder
    {
        var metadata = new ErrorCodesMetadata([.. codes.Distinct(StringComparer.Ordinal)]);
        return builder.WithMetadata([
            metadata,
            .. metadata.Codes
                .Select(code => ErrorCatalog.Get(code).Status)
                .Distinct()
                .Select(status => new ProducesResponseTypeMetadata(status, typeof(ErrorEnvelope), [ErrorEnvelopeWriter.ContentType])),
        ]);
    }
}
