namespace TryOn.Client.Account;

/// <summary><c>GET /tryon/v1/account/credits</c>: what can be spent now, and what unfinished generations hold.</summary>
public sealed record Credits(long CreditBalance, long Reserved);

/// <summary><c>GET /tryon/v1/account/packs</c>: the credit packs on sale, when billing is configured.</summary>
public sealed record CreditPacks(bool BillingEnabled, IReadOnlyList<CreditPack> Packs);

/// <summary>A credit pack; <see cref="Amount"/> in the currency's smallest unit.</summary>
public sealed record CreditPack(string Pack, string Name, long Credits, long Amount, string Currency);

/// <summary>A Stripe Checkout session for a pack: send the buyer to <see cref="CheckoutUrl"/>; the credits arrive when they pay.</summary>
public sealed record Checkout(string CheckoutUrl, string SessionId, string Pack, long Credits, long Amount, string Currency);
