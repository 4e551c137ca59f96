using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;
using TryOn.Contracts;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Billing;
using TryOn.Contracts.Errors;
using TryOn.Web.Errors;
using PaymentRefund = TryOn.Contracts.Billing.Refund;

namespace TryOn.Web.Billing;

/// <summary>
/// <c>POST /webhooks/stripe</c>: Stripe's reports of paid checkouts and refunds. The signature is checked on the raw
/// body, within the tolerance window, before anything is parsed. A paid <c>checkout.session.completed</c> (or
/// <c>checkout.session.async_payment_succeeded</c>) grants the pack's credits; <c>charge.refunded</c> deducts them.
/// The account applies each event id once, so Stripe's retries and replays change nothing. Other event types are
/// acknowledged and ignored.
/// </summary>
internal static partial class StripeWebhookEndpoints
{
    public const string SignatureHeader = "Stripe-Signature";

    public static IEndpointRouteBuilder MapStripeWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/stripe", ReceiveAsync)
            .WithTags("Billing")
            .WithName("StripeWebhook")
            .WithSummary("Receive Stripe events")
            .WithDescription("Stripe events (signed): paid checkouts add credits, refunds deduct them.")
            .ProducesErrors(ErrorCodes.WebhookSignatureInvalid, ErrorCodes.BadRequest, ErrorCodes.PaymentNotRecorded, ErrorCodes.BillingNotConfigured);
        return app;
    }

    internal static async Task<Results<Ok<WebhookResponse>, ApiErrorResult>> ReceiveAsync(
        HttpRequest request,
        IOptions<BillingOptions> options,
        IGrainFactory grains,
        [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
        ILogger<BillingOptions> logger,
        CancellationToken cancellationToken)
    {
        var billing = options.Value;
        if (!billing.IsConfigured)
        {
            return new ApiErrorResult(ApiError.Of(ErrorCodes.BillingNotConfigured));
        }

        string payload;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            payload = await reader.ReadToEndAsync(cancellationToken);
        }

        Event stripeEvent;
        try
        {
            EventUtility.ValidateSignature(
                payload,
                request.Headers[SignatureHeader].ToString(),
                billing.Stripe.WebhookSecret,
                (long)billing.WebhookTolerance.TotalSeconds,
                clock.GetUtcNow().ToUnixTimeSeconds());
        }
        catch (StripeException)
        {
            LogSignatureRefused(logger);
            return new ApiErrorResult(ApiError.Of(ErrorCodes.WebhookSignatureInvalid));
        }

        try
        {
            // Only the fields read below matter, so an event of another API version is read rather than refused.
            stripeEvent = EventUtility.ParseEvent(payload, throwOnApiVersionMismatch: false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Correctly signed, yet not an event (not JSON, or not Stripe's shape): nothing to apply, and a 400, not a 500.
            LogUnreadableEvent(logger, exception.GetType().Name);
            return new ApiErrorResult(ApiError.Of(ErrorCodes.BadRequest, "The signed body is not a Stripe event this server can read."));
        }

        var outcome = stripeEvent.Data.Object switch
        {
            Session session when stripeEvent.Type is EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded
                => await ApplyCheckoutAsync(stripeEvent.Id, session, grains, logger, cancellationToken),
            Charge charge when stripeEvent.Type == EventTypes.ChargeRefunded
                => await ApplyRefundAsync(stripeEvent.Id, charge, grains, logger, cancellationToken),
            _ => "ignored",
        };
        LogEventHandled(logger, stripeEvent.Id, stripeEvent.Type, outcome);
        if (outcome == Describe(BillingEventOutcome.UnknownPayment))
        {
            // Not acknowledged, so Stripe delivers it again: a refund can overtake the checkout event it refunds
            // (a failed delivery retried later), and must not be lost when it does.
            return new ApiErrorResult(ApiError.Of(ErrorCodes.PaymentNotRecorded));
        }

        return TypedResults.Ok(new WebhookResponse(true, outcome));
    }

    private static async Task<string> ApplyCheckoutAsync(string eventId, Session session, IGrainFactory grains, ILogger logger, CancellationToken cancellationToken)
    {
        if (session.PaymentStatus != "paid")
        {
            // Delayed payment methods complete the session unpaid; async_payment_succeeded follows when paid.
            return "not_paid";
        }

        var metadata = session.Metadata ?? [];
        if (!metadata.TryGetValue(CreditCheckout.AccountKey, out var accountId)
            || !metadata.TryGetValue(CreditCheckout.PackKey, out var pack)
            || !metadata.TryGetValue(CreditCheckout.CreditsKey, out var creditsText)
            || !long.TryParse(creditsText, NumberStyles.None, CultureInfo.InvariantCulture, out var credits)
            || credits is < 1 or > CreditPack.MaxCredits)
        {
            // Not a checkout this server started (another integration on the same Stripe account).
            LogForeignCheckout(logger, session.Id);
            return "ignored";
        }

        var purchase = new Purchase(eventId, session.Id, session.PaymentIntentId, pack, credits, session.AmountTotal ?? 0, session.Currency ?? "");
        var result = await grains.GetGrain<IAccountGrain>(accountId).ApplyPurchaseAsync(purchase, cancellationToken);
        if (result.Outcome == BillingEventOutcome.AccountNotFound)
        {
            LogPaidForMissingAccount(logger, session.Id, accountId);
        }

        return Describe(result.Outcome);
    }

    private static async Task<string> ApplyRefundAsync(string eventId, Charge charge, IGrainFactory grains, ILogger logger, CancellationToken cancellationToken)
    {
        if (charge.PaymentIntentId is not { Length: > 0 } paymentId)
        {
            return "ignored";
        }

        var accountId = await grains.GetGrain<IPaymentOwnerGrain>(PaymentOwners.GrainKey(paymentId)).GetOwnerAsync(cancellationToken);
        if (accountId is null)
        {
            LogUnknownPayment(logger, paymentId);
            return Describe(BillingEventOutcome.UnknownPayment);
        }

        var result = await grains.GetGrain<IAccountGrain>(accountId).ApplyRefundAsync(new PaymentRefund(eventId, paymentId, charge.AmountRefunded), cancellationToken);
        if (result.CreditsAlreadySpent > 0)
        {
            LogRefundPartlySpent(logger, accountId, paymentId, result.CreditsAlreadySpent);
        }

        return Describe(result.Outcome);
    }

    private static string Describe(BillingEventOutcome outcome) => outcome switch
    {
        BillingEventOutcome.Applied => "applied",
        BillingEventOutcome.AlreadyApplied => "already_applied",
        BillingEventOutcome.AccountNotFound => "account_not_found",
        BillingEventOutcome.BalanceOverflow => "balance_overflow",
        _ => "unknown_payment",
    };

    [LoggerMessage(7, LogLevel.Warning, "A correctly signed Stripe webhook could not be read as an event ({Error}); answered 400")]
    private static partial void LogUnreadableEvent(ILogger logger, string error);

    [LoggerMessage(1, LogLevel.Warning, "A Stripe webhook with a missing, wrong or expired signature was refused")]
    private static partial void LogSignatureRefused(ILogger logger);

    [LoggerMessage(2, LogLevel.Information, "Stripe event {EventId} ({Type}): {Outcome}")]
    private static partial void LogEventHandled(ILogger logger, string eventId, string type, string outcome);

    [LoggerMessage(3, LogLevel.Warning, "Checkout {SessionId} carries no TryOn metadata; ignored")]
    private static partial void LogForeignCheckout(ILogger logger, string sessionId);

    [LoggerMessage(6, LogLevel.Error, "Checkout {SessionId} was paid for account {AccountId}, which does not exist: no credits were granted; refund or grant by hand")]
    private static partial void LogPaidForMissingAccount(ILogger logger, string sessionId, string accountId);

    [LoggerMessage(4, LogLevel.Warning, "A refund names payment {PaymentId}, which this server has not recorded (yet); Stripe will deliver it again")]
    private static partial void LogUnknownPayment(ILogger logger, string paymentId);

    [LoggerMessage(5, LogLevel.Warning, "Refund of payment {PaymentId} for account {AccountId}: {Credits} credits were already spent and stay spent")]
    private static partial void LogRefundPartlySpent(ILogger logger, string accountId, string paymentId, long credits);
}
