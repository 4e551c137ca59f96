using System.Text.Json;
using TryOn.Client.Generations;
using TryOn.Client.Http;

namespace TryOn.Client.Webhooks;

/// <summary>
/// A webhook request's body: <c>{ id, type, createdAt, data }</c>, <c>data</c> the generation as
/// <c>GET /generations/:id</c> returns it. Deliveries are at least once: the same <see cref="Id"/> may arrive twice.
/// </summary>
public sealed record WebhookEvent(string Id, string Type, DateTimeOffset CreatedAt, Generation Data)
{
    /// <summary>
    /// Checks the request's <c>TryOn-Signature</c> against the raw body and reads the event; throws
    /// <see cref="WebhookSignatureException"/> when the signature does not verify. Pass the body's bytes as received.
    /// </summary>
    public static WebhookEvent Parse(ReadOnlySpan<byte> body, string? signatureHeader, string secret, TimeProvider? clock = null, TimeSpan? tolerance = null)
    {
        var verdict = WebhookSignature.Verify(signatureHeader, body, secret, clock, tolerance);
        if (verdict != WebhookSignatureVerdict.Valid)
        {
            throw new WebhookSignatureException(verdict);
        }

        return JsonSerializer.Deserialize<WebhookEvent>(body, TryOnJson.Options)
            ?? throw new JsonException("The webhook body is null.");
    }
}

/// <summary>A webhook request whose signature did not verify; answer it with 400 and do not act on it.</summary>
public sealed class WebhookSignatureException(WebhookSignatureVerdict verdict)
    : Exception($"The TryOn-Signature header did not verify: {verdict}.")
{
    public WebhookSignatureVerdict Verdict { get; } = verdict;
}
