using System.Text.Json;
using TryOn.Contracts.Errors;

namespace TryOn.Web.Errors;

/// <summary>Turns the framework's request-reading failures (body binding, size, content type) into catalogue errors.</summary>
internal static class BadRequestErrors
{
    public static ApiError From(BadHttpRequestException exception) => exception switch
    {
        { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiError.Of(ErrorCodes.PayloadTooLarge),
        { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
            ApiError.Of(ErrorCodes.UnsupportedMediaType, "Send the body as 'Content-Type: application/json'."),
        { InnerException: JsonException json } => FromJson(json),
        _ => ApiError.Of(ErrorCodes.BadRequest),
    };

    /// <summary>
    /// A syntax error is reported by the JSON reader, which System.Text.Json wraps as the inner exception;
    /// a well-formed document with a value of the wrong type has no inner exception and a path.
    /// </summary>
    private static ApiError FromJson(JsonException json) => json.InnerException is JsonException
        ? ApiError.Of(ErrorCodes.InvalidJson, $"The request body is not valid JSON (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}).")
        : ApiError.Validation(ToDottedPath(json.Path), "Invalid type or value.");

    /// <summary><c>$.products[0].images[1].url</c> becomes <c>products.0.images.1.url</c>; the root is the empty path.</summary>
    internal static string ToDottedPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "";
        }

        var path = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        return path.Replace("['", ".", StringComparison.Ordinal)
            .Replace("']", "", StringComparison.Ordinal)
            .Replace("[", ".", StringComparison.Ordinal)
            .Replace("]", "", StringComparison.Ordinal)
            .TrimStart('.');
    }
}
