using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace TryOn.Web.Billing;

/// <summary>
/// Starts the purchase of a credit pack: a Stripe Checkout Session in payment mode whose metadata names the account,
/// the pack and its credits. The credits are granted later, by the webhook, when Stripe reports the session paid.
/// </summary>
internal sealed class CreditCheckout(IOptions<BillingOptions> options, IServiceProvider services)
{
    public const string AccountKey = "tryon_account_id";
    public const string PackKey = "tryon_pack";
    public const string CreditsKey = "tryon_credits";

    public BillingOptions Options => options.Value;

    public async Task<Session> StartAsync(string accountId, string packName, CancellationToken cancellationToken)
    {
        var pack = Options.Packs[packName];
        var metadata = new Dictionary<string, string>
        {
            [AccountKey] = accountId,
            [PackKey] = packName,
            [CreditsKey] = pack.Credits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var session = new SessionCreateOptions
        {
            Mode = "payment",
            ClientReferenceId = accountId,
            SuccessUrl = Options.SuccessUrl,
            CancelUrl = Options.CancelUrl,
            Metadata = metadata,
            PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = metadata },
            LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = pack.Currency,
                        UnitAmount = pack.Amount,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = pack.DisplayName },
                    },
                },
            ],
        };

        // Resolved here, not in the constructor: without billing settings there is no client to resolve.
        var stripe = services.GetRequiredService<IStripeClient>();
        return await new SessionService(stripe).CreateAsync(session, cancellationToken: cancellationToken);
    }
}
