namespace TryOn.Web.Billing;

internal sealed record CheckoutRequest(string? Pack);

/// <summary>Send the buyer to <c>checkoutUrl</c>; the credits arrive when the payment succeeds.</summary>
internal sealed record CheckoutResponse(string CheckoutUrl, string SessionId, string Pack, long Credits, long Amount, string Currency);

internal sealed record CreditPackResponse(string Pack, string Name, long Credits, long Amount, string Currency);

internal sealed record CreditPacksResponse(bool BillingEnabled, IReadOnlyList<CreditPackResponse> Packs);

internal sealed record WebhookResponse(bool Received, string Outcome);
