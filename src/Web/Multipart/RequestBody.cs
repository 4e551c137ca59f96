using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TryOn.Contracts.Errors;
using TryOn.Web.Errors;

namespace TryOn.Web.Multipart;

/// <summary>The one way merchant request bodies are read: JSON, or a multipart form around it, within a deadline.</summary>
internal static class RequestBody
{
    /// <summary>
    /// The request's JSON: the body itself, or the string field <c>data</c> of a multipart form whose other parts are
    /// the images (docs/api.md, Conventions, the multipart convention).
    /// </summary>
    public static async Task<(JsonDocument? Body, MultipartForm? Form, ApiError? Error)> ReadAsync(HttpRequest request, int maxFiles, CancellationToken cancellationToken)
    {
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            && mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            // What curl -d sends unless told otherwise: almost always JSON under the wrong header.
            return (null, null, ApiError.Of(ErrorCodes.UnsupportedMediaType,
                "A form-encoded body is not read (curl -d sends that header unless told otherwise): send the JSON with 'Content-Type: application/json', or multipart/form-data with the JSON in a 'data' field."));
        }

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
        using var deadline = Deadline(request, cancellationToken);
        try
        {
            return ParseJson(await reader.ReadToEndAsync(deadline.Token), null);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, null, TooSlow(request.HttpContext.Response));
        }
    }

    /// <summary>Cancels reading the body once <see cref="FormIntakeOptions.BodyTimeout"/> has passed, whatever the byte rate.</summary>
    public static CancellationTokenSource Deadline(HttpRequest request, CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options(request).BodyTimeout);
        return deadline;
    }

    /// <summary>408 <c>REQUEST_TIMEOUT</c> for a body that missed its deadline; the connection closes after the answer.</summary>
    public static ApiError TooSlow(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.Connection = "close";
        return ApiError.Of(
            ErrorCodes.RequestTimeout,
            $"The request body did not arrive within {Options(response.HttpContext.Request).BodyTimeout.TotalSeconds:0} s.");
    }

    /// <summary>
    /// 503 <c>SERVICE_UNAVAILABLE</c> with <c>Retry-After</c>, for a form that found no place in time; its body is
    /// not read, so the connection closes after the answer.
    /// </summary>
    public static ApiError Busy(HttpResponse response, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.Connection = "close";
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiError.Of(
            ErrorCodes.ServiceUnavailable,
            $"Every place for reading uploads stayed taken (your account may hold at most {Options(response.HttpContext.Request).PlacesPerAccount} at once). Retry after {seconds} s.",
            new Dictionary<string, object> { ["retryAfterSeconds"] = seconds });
    }

    private static FormIntakeOptions Options(HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<IOptions<FormIntakeOptions>>().Value;

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
