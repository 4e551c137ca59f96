using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using TryOn.Contracts.Errors;
using TryOn.Pipeline.IO;
using TryOn.Web.Authentication;
using TryOn.Web.Errors;

namespace TryOn.Web.Multipart;

/// <summary>A file part of a multipart form, read whole (never more than the per-file cap).</summary>
internal sealed record FilePart(string Name, string? FileName, byte[] Content);

/// <summary>
/// A <c>multipart/form-data</c> body read as a stream, section by section, with the caps enforced while reading:
/// a file part stops being read the moment it passes <see cref="MaxFileBytes"/> (<c>FILE_TOO_LARGE</c>), so an
/// oversized upload never sits in memory. Shared by uploads, products and try-on.
/// </summary>
internal sealed class MultipartForm : IDisposable
{
    public const long MaxFileBytes = 10 * 1024 * 1024;
    public const int MaxFieldBytes = 256 * 1024;
    public const int MaxParts = 16;

    /// <summary>Room for the form fields of a request, beside its files.</summary>
    public const long MaxFieldsBytes = MaxParts * MaxFieldBytes;

    private readonly IDisposable _place;

    private MultipartForm(Dictionary<string, string> fields, Dictionary<string, FilePart> files, IDisposable place)
    {
        Fields = fields;
        Files = files;
        _place = place;
    }

    public IReadOnlyDictionary<string, string> Fields { get; }

    public IReadOnlyDictionary<string, FilePart> Files { get; }

    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? value : null;

    /// <summary>Gives the form's place in <see cref="FormIntake"/> back before the response (the caller is done with the bytes).</summary>
    public void Dispose() => _place.Dispose();

    /// <summary>
    /// Reads the form; at most <paramref name="maxFiles"/> file parts, which also bounds the memory one request holds,
    /// at most <see cref="FormIntakeOptions.MaxConcurrent"/> forms at once in the process (and half of them for one
    /// account), and within <see cref="FormIntakeOptions.BodyTimeout"/>.
    /// </summary>
    public static async Task<(MultipartForm? Form, ApiError? Error)> ReadAsync(HttpRequest request, int maxFiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiError.Of(ErrorCodes.UnsupportedMediaType, "Send the body as 'Content-Type: multipart/form-data'."));
        }

        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200)
        {
            return (null, ApiError.Of(ErrorCodes.MalformedMultipart, "The multipart/form-data Content-Type has no boundary."));
        }

        // Waits its turn before a byte is read (see FormIntake): the memory of concurrent uploads stays bounded.
        var intake = request.HttpContext.RequestServices.GetRequiredService<FormIntake>();
        // Merchant forms count against their account; the operator's (the admin API's logo upload) count as one more.
        var holder = request.HttpContext.User.FindFirstValue(TryOnClaims.AccountId) ?? "operator";
        var place = await intake.EnterAsync(request.HttpContext, holder, cancellationToken);
        if (place is null)
        {
            return (null, RequestBody.Busy(request.HttpContext.Response, intake.RetryAfter));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            // JSON endpoints keep the small default; a form may carry several images.
            sizeLimit.MaxRequestBodySize = (maxFiles * (MaxFileBytes + (64 * 1024))) + MaxFieldsBytes;
        }

        using var deadline = RequestBody.Deadline(request, cancellationToken);
        try
        {
            var form = await ReadSectionsAsync(request, boundary, maxFiles, deadline.Token);
            if (form.Error is not null)
            {
                place.Dispose();
                return (null, form.Error);
            }

            return (new MultipartForm(form.Fields!, form.Files!, place), null);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            place.Dispose();
            return (null, RequestBody.TooSlow(request.HttpContext.Response));
        }
    }

    private static async Task<(Dictionary<string, string>? Fields, Dictionary<string, FilePart>? Files, ApiError? Error)> ReadSectionsAsync(
        HttpRequest request, string boundary, int maxFiles, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<string, FilePart>(StringComparer.Ordinal);
        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
        try
        {
            for (var parts = 0; await reader.ReadNextSectionAsync(cancellationToken) is { } section; parts++)
            {
                if (parts == MaxParts)
                {
                    return (null, null, ApiError.Of(ErrorCodes.MalformedMultipart, $"A form may have at most {MaxParts} parts."));
                }

                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    || string.IsNullOrEmpty(disposition.Name.Value))
                {
                    return (null, null, ApiError.Of(ErrorCodes.MalformedMultipart, "Every part needs 'Content-Disposition: form-data; name=\"…\"'."));
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value!;
                if (fields.ContainsKey(name) || files.ContainsKey(name))
                {
                    return (null, null, ApiError.Validation(name, "The part is sent more than once."));
                }

                if (disposition.IsFileDisposition())
                {
                    if (files.Count == maxFiles)
                    {
                        return (null, null, ApiError.Of(ErrorCodes.MalformedMultipart, $"This endpoint takes at most {maxFiles} file part(s)."));
                    }

                    var content = await BoundedRead.ReadToEndAsync(section.Body, MaxFileBytes, cancellationToken);
                    if (content is null)
                    {
                        return (null, null, ApiError.Of(ErrorCodes.FileTooLarge, $"The file '{name}' exceeds {MaxFileBytes / (1024 * 1024)} MB."));
                    }

                    files[name] = new FilePart(name, HeaderUtilities.RemoveQuotes(disposition.FileName).Value, content);
                }
                else
                {
                    var value = await BoundedRead.ReadToEndAsync(section.Body, MaxFieldBytes, cancellationToken);
                    if (value is null)
                    {
                        return (null, null, ApiError.Of(ErrorCodes.PayloadTooLarge, $"The field '{name}' exceeds {MaxFieldBytes / 1024} KB."));
                    }

                    fields[name] = Encoding.UTF8.GetString(value);
                }
            }
        }
        catch (IOException exception) when (exception is not BadHttpRequestException)
        {
            return (null, null, ApiError.Of(ErrorCodes.MalformedMultipart, "The multipart body is malformed or ends early."));
        }
        catch (InvalidDataException)
        {
            return (null, null, ApiError.Of(ErrorCodes.MalformedMultipart, "The multipart body is malformed."));
        }

        return (fields, files, null);
    }
}
