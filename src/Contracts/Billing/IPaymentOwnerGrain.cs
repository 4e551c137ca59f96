namespace TryOn.Contracts.Billing;

/// <summary>
/// Which account a provider payment belongs to, keyed <c>payment/&lt;provider payment id&gt;</c>: refunds name the
/// payment, not the account. Written before the purchase is credited; a refund that finds no owner (or no purchase)
/// is refused so the provider delivers it again.
/// </summary>
[Alias("tryon.billing.IPaymentOwnerGrain")]
public interface IPaymentOwnerGrain : IGrainWithStringKey
{
    /// <summary>Records the owner; false when the payment already belongs to another account.</summary>
    [Alias("Register")]
    Task<bool> RegisterAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>The owning account, or null for a payment that is not ours.</summary>
    [Alias("GetOwner")]
    Task<string?> GetOwnerAsync(CancellationToken cancellationToken = default);
}

public static class PaymentOwners
{
    public static string GrainKey(string paymentId) => "payment/" + paymentId;
}
