using TryOn.Contracts.Accounts;
using TryOn.Contracts.Billing;

namespace TryOn.Grains.Accounts;

/// <summary>
/// The rules of the payment provider's events, over the account's state: each event id changes the balance at most
/// once, each checkout is credited once, and a refund takes back the refunded share of its pack, never more than the
/// balance holds. Plain code with no I/O (the payment owner index is the grain's to write); the credits move through
/// the <see cref="CreditLedger"/>.
/// </summary>
internal sealed class BillingHistory(AccountState account, CreditLedger ledger)
{
    /// <summary>
    /// How long applied billing event ids are remembered. The provider retries for three days and signatures older
    /// than minutes are refused, so an older event id cannot arrive again.
    /// </summary>
    private static readonly TimeSpan EventMemory = TimeSpan.FromDays(30);

    /// <summary>
    /// Why the purchase must change nothing, or null when it may be applied. Checked before anything changes: a
    /// purchase the balance cannot hold is refused the same way on every retry, never answered "already applied".
    /// </summary>
    public BillingEventResult? Refusal(Purchase purchase)
    {
        ArgumentNullException.ThrowIfNull(purchase);
        if (account.AppliedBillingEvents.ContainsKey(purchase.EventId) || account.Purchases.ContainsKey(purchase.CheckoutId))
        {
            return new(BillingEventOutcome.AlreadyApplied);
        }

        return purchase.Credits > long.MaxValue - account.CreditBalance ? new(BillingEventOutcome.BalanceOverflow) : null;
    }

    /// <summary>Credits a purchase that <see cref="Refusal"/> let through.</summary>
    public BillingEventResult ApplyPurchase(Purchase purchase, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(purchase);
        account.Purchases.Add(purchase.CheckoutId, new PurchaseRecord
        {
            PaymentId = purchase.PaymentId,
            Pack = purchase.Pack,
            Credits = purchase.Credits,
            AmountPaid = purchase.AmountPaid,
            Currency = purchase.Currency,
            PurchasedAt = now,
        });
        Remember(purchase.EventId, now);
        ledger.Record(LedgerEntryKind.Purchase, purchase.Credits, reservedChange: 0, $"Bought pack '{purchase.Pack}'", purchase.CheckoutId, now);
        return new(BillingEventOutcome.Applied, purchase.Credits);
    }

    /// <summary>
    /// Deducts the credits of the refunded share of a payment's pack, once per event. Only
    /// <see cref="BillingEventOutcome.Applied"/> changes the state (at least the event is remembered).
    /// </summary>
    public BillingEventResult ApplyRefund(Refund refund, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(refund);
        if (account.AppliedBillingEvents.ContainsKey(refund.EventId))
        {
            return new(BillingEventOutcome.AlreadyApplied);
        }

        var (checkoutId, purchase) = account.Purchases.FirstOrDefault(entry => entry.Value.PaymentId == refund.PaymentId);
        if (purchase is null)
        {
            return new(BillingEventOutcome.UnknownPayment);
        }

        // The provider reports the total refunded so far; credits follow the refunded share of the amount paid.
        var refundedShare = Math.Clamp(refund.AmountRefunded, 0, purchase.AmountPaid);
        var creditsDue = (long)Math.Floor((decimal)purchase.Credits * refundedShare / Math.Max(1, purchase.AmountPaid)) - purchase.CreditsRefunded;
        Remember(refund.EventId, now);
        if (creditsDue <= 0)
        {
            return new(BillingEventOutcome.Applied);
        }

        var deducted = Math.Min(creditsDue, account.CreditBalance);
        purchase.CreditsRefunded += creditsDue;
        var reason = deducted == creditsDue
            ? $"Refund of pack '{purchase.Pack}'"
            : $"Refund of pack '{purchase.Pack}': {creditsDue - deducted} of its {creditsDue} credits were already spent";
        ledger.Record(LedgerEntryKind.Refund, -deducted, reservedChange: 0, reason, checkoutId, now);
        return new(BillingEventOutcome.Applied, -deducted, creditsDue - deducted);
    }

    private void Remember(string eventId, DateTimeOffset now)
    {
        foreach (var (old, appliedAt) in account.AppliedBillingEvents)
        {
            if (now - appliedAt > EventMemory)
            {
                account.AppliedBillingEvents.Remove(old);
            }
        }

        account.AppliedBillingEvents[eventId] = now;
    }
}
