using System.Collections.Frozen;
using System.Net;
using System.Text.Json;

namespace TryOn.Client.Errors;

/// <summary>
/// Which error answers the client retries by itself: the codes docs/errors.md answers "Yes" for in its "Retry?"
/// column, each as often as the catalogue says, and transport failures. Everything else is thrown at once.
/// </summary>
public static class RetryableErrors
{
    /// <summary>
    /// The codes retried: <c>RATE_LIMITED</c> and <c>SERVICE_UNAVAILABLE</c> after their <c>Retry-After</c>;
    /// <c>QUOTA_EXCEEDED</c> when its quota frees by itself (<c>maxInFlightGenerations</c>, <c>queue</c>);
    /// <c>INTERNAL_ERROR</c> at most 3 times; <c>IDEMPOTENCY_KEY_IN_USE</c> (the first request with the key still runs);
    /// <c>PAYMENT_PROVIDER_ERROR</c>; <c>REQUEST_TIMEOUT</c> once.
    /// </summary>
    public static readonly FrozenSet<string> Codes = new[]
    {
        TryOnErrorCodes.RateLimited,
        TryOnErrorCodes.ServiceUnavailable,
        TryOnErrorCodes.QuotaExceeded,
        TryOnErrorCodes.InternalError,
        TryOnErrorCodes.IdempotencyKeyInUse,
        TryOnErrorCodes.PaymentProviderError,
        TryOnErrorCodes.RequestTimeout,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The quotas of <c>QUOTA_EXCEEDED</c> that free up without anyone acting; a monthly cap or a full store do not.</summary>
    private static readonly FrozenSet<string> PassingQuotas = new[] { "maxInFlightGenerations", "queue" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Whether the client retries an answer with this code (null: not the API's envelope) after
    /// <paramref name="retriesSoFar"/> retries of the same call.
    /// </summary>
    public static bool ShouldRetry(HttpStatusCode status, string? code, JsonElement? details, int retriesSoFar) => code switch
    {
        null => status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
        TryOnErrorCodes.QuotaExceeded => details is { ValueKind: JsonValueKind.Object } quota
            && quota.TryGetProperty("quota", out var name) && name.ValueKind == JsonValueKind.String
            && PassingQuotas.Contains(name.GetString()!),
        TryOnErrorCodes.InternalError => retriesSoFar < 3,
        TryOnErrorCodes.RequestTimeout => retriesSoFar < 1,
        _ => Codes.Contains(code),
    };
}
