using System.Text.Json;
using TryOn.Client.Errors;

namespace TryOn.Client.Http;

/// <summary>Reads an error answer into a <see cref="TryOnApiException"/>: the envelope when it is one, the status alone otherwise.</summary>
internal static class ErrorAnswers
{
    public const string RequestIdHeader = "x-request-id";

    public static async Task<TryOnApiException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var headerRequestId = response.Headers.TryGetValues(RequestIdHeader, out var values) ? values.FirstOrDefault() : null;
        var retryAfter = RetryAfter(response);
        if (TryReadEnvelope(body, out var code, out var message, out var details, out var requestId))
        {
            return new TryOnApiException(code, message, response.StatusCode, details, requestId ?? headerRequestId, retryAfter);
        }

        return new TryOnApiException(
            TryOnErrorCodes.UnrecognisedResponse,
            $"The server answered {(int)response.StatusCode} {response.ReasonPhrase} without the API's error envelope.",
            response.StatusCode,
            details: null,
            headerRequestId,
            retryAfter);
    }

    /// <summary>The code of an error answer, or null when it is not the envelope. Buffers the body, which stays readable.</summary>
    public static async ValueTask<(string? Code, JsonElement? Details)> PeekAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return TryReadEnvelope(body, out var code, out _, out var details, out _) ? (code, details) : (null, null);
    }

    /// <summary>How long the answer asks to wait: <c>Retry-After</c> in seconds or as a date.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static bool TryReadEnvelope(byte[] body, out string code, out string message, out JsonElement? details, out string? requestId)
    {
        code = message = "";
        details = null;
        requestId = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("code", out var codeValue) || codeValue.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("message", out var messageValue) || messageValue.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            code = codeValue.GetString()!;
            message = messageValue.GetString()!;
            details = root.TryGetProperty("details", out var detailsValue) ? detailsValue.Clone() : null;
            requestId = root.TryGetProperty("requestId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
