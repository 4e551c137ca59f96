using System.Text.Json;
using TryOn.Api.Errors;
using TryOn.Grains.Errors;

namespace TryOn.Api.Multipart;

internal static class RequestBody
{
    /// <summary>
    /// The request's JSON: the body itself, or the string field <c>data</c> of a multipart form whose other parts are
    /// the images (API.md §1, the multipart convention).
    /// </summary>
    public static async Task<(JsonDocument? Body, MultipartForm? Form, ApiError? Error)> ReadAsync(HttpRequest request, int maxFiles, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType || request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
        {
            var (form, formError) = await MultipartForm.ReadAsync(request, maxFiles, cancellationToken);
            if (formError is not null)
            {
                return (null, null, formError);
            }

            if (form!.Field("data") is not { } data)
            {
                return (null, null, ApiError.Validation("data", "Required: the JSON body as a string field of the form."));
            }

            return ParseJson(data, form);
        }

        if (!request.HasJsonContentType())
        {
            return (null, null, ApiError.Of(ErrorCodes.UnsupportedMediaType, "Send JSON ('Content-Type: application/json') or multipart/form-data."));
        }

        using var reader = new StreamReader(request.Body);
        return ParseJson(await reader.ReadToEndAsync(cancellationToken), null);
    }

    private static (JsonDocument?, MultipartForm?, ApiError?) ParseJson(string json, MultipartForm? form)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, null, ApiError.Validation("", "A JSON request body is required."));
        }

        try
        {
            return (JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 }), form, null);
        }
        catch (JsonException exception)
        {
            return (null, null, ApiError.Of(ErrorCodes.InvalidJson, $"The request body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})."));
        }
    }

}
