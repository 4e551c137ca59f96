namespace TryOn.Contracts.Billing;

/// <summary>
/// A paid credit pack, as the payment provider reported it: <see cref="EventId"/> is the provider's event and
/// <see cref="CheckoutId"/> its checkout; each is applied at most once. Amounts are in the currency's minor unit.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.billing.Purchase")]
public sealed record Purchase(
    [property: Id(0)] string EventId,
    [property: Id(1)] string CheckoutId,
    [property: Id(2)] string? PaymentId,
    [property: Id(3)] string Pack,
    [property: Id(4)] long Credits,
    [property: Id(5)] long AmountPaid,
    [property: Id(6)] string Currency);

/// <summary>
/// A refund of a payment. <see cref="AmountRefunded"/> is the total refunded so far (the provider reports it
/// cumulatively), so a second partial refund deducts only the difference.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.billing.Refund")]
public sealed record Refund(
    [property: Id(0)] string EventId,
    [property: Id(1)] string PaymentId,
    [property: Id(2)] long AmountRefunded);

[GenerateSerializer, Alias("tryon.billing.BillingEventOutcome")]
public enum BillingEventOutcome
{
    Applied = 0,

    /// <summary>The event, or another event for the same checkout, was applied before: nothing changed.</summary>
    AlreadyApplied = 1,
    AccountNotFound = 2,

    /// <summary>A refund of a payment this account never made through us: nothing changed.</summary>
    UnknownPayment = 3,

    /// <summary>The purchase would put the balance past what an account can hold: refused before anything changed.</summary>
    BalanceOverflow = 4,
}

/// <summary>How an event changed the account: the credits added (negative for a refund) and those not recoverable.</summary>
[GenerateSerializer, Immutable, Alias("tryon.billing.BillingEventResult")]
public sealed record BillingEventResult(
    [property: Id(0)] BillingEventOutcome Outcome,
    [property: Id(1)] long CreditChange = 0,
    [property: Id(2)] long CreditsAlreadySpent = 0);
