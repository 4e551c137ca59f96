using System.Net;
using System.Text.Json;

namespace TryOn.Client.Errors;

/// <summary>
/// An error answer of the TryOn API: the envelope <c>{ code, message, status, details?, requestId }</c> of
/// docs/errors.md. <see cref="Code"/> is the stable contract (compare it with <see cref="TryOnErrorCodes"/>);
/// <see cref="Exception.Message"/> is the server's text, for people.
/// </summary>
public sealed class TryOnApiException : Exception
{
    public TryOnApiException(string code, string message, HttpStatusCode status, JsonElement? details, string? requestId, TimeSpan? retryAfter)
        : base(message)
    {
        Code = code;
        Status = status;
        Details = details;
        RequestId = requestId;
        RetryAfter = retryAfter;
    }

    /// <summary>The error code, for example <c>PRODUCT_NOT_FOUND</c>; <see cref="TryOnErrorCodes.UnrecognisedResponse"/>
    /// when the answer was not the API's envelope (a proxy's error page).</summary>
    public string Code { get; }

    /// <summary>The HTTP status of the answer (the envelope's <c>status</c> always equals it).</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The envelope's <c>details</c> when it has them: an array of <c>{ path, message }</c> for
    /// <c>VALIDATION_FAILED</c> (see <see cref="FieldErrors"/>), an object for credits, quotas and rate limits.</summary>
    public JsonElement? Details { get; }

    /// <summary>The request's id (<c>x-request-id</c>): quote it when asking about a failure.</summary>
    public string? RequestId { get; }

    /// <summary>The answer's <c>Retry-After</c>, when it sent one (429, 503).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The offending fields of a validation failure (<c>details</c> as an array), empty otherwise.</summary>
    public IReadOnlyList<FieldError> FieldErrors => Details is { ValueKind: JsonValueKind.Array } array
        ? array.EnumerateArray()
            .Where(item => item.ValueKind == JsonValueKind.Object)
            .Select(item => new FieldError(Text(item, "path"), Text(item, "message")))
            .ToList()
        : [];

    private static string Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}

/// <summary>One offending field of a <c>VALIDATION_FAILED</c> answer: its dotted path (<c>products.0.images.1.source.url</c>) and why.</summary>
public sealed record FieldError(string Path, string Message);
