using TryOn.Contracts.Accounts;
using TryOn.Contracts.Billing;
using TryOn.Grains.Accounts;
using TryOn.Grains.Billing;

namespace TryOn.Tests.Accounts;

/// <summary>The payment event rules over a bare <see cref="AccountState"/>: no silo, no storage, no provider.</summary>
public sealed class BillingHistoryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly AccountState _account = new() { Created = true, Active = true };

    private BillingHistory Billing => new(_account, new CreditLedger(_account));

    private static Purchase Pack(string eventId = "evt_1", string checkoutId = "cs_1", long credits = 100, long amountPaid = 1_000) =>
        new(eventId, checkoutId, "pi_1", "starter", credits, amountPaid, "eur");

    private BillingEventResult Buy(Purchase purchase) => Billing.Refusal(purchase) ?? Billing.ApplyPurchase(purchase, Now);

    [Fact]
    public void A_purchase_is_credited_once_per_event_and_once_per_checkout()
    {
        Assert.Equal(new BillingEventResult(BillingEventOutcome.Applied, 100), Buy(Pack()));
        Assert.Equal(BillingEventOutcome.AlreadyApplied, Buy(Pack()).Outcome);
        Assert.Equal(BillingEventOutcome.AlreadyApplied, Buy(Pack(eventId: "evt_2")).Outcome);

        Assert.Equal(100, _account.CreditBalance);
        var entry = Assert.Single(_account.UnpublishedLedger);
        Assert.Equal((LedgerEntryKind.Purchase, 100L, "cs_1"), (entry.Kind, entry.Amount, entry.Reference));
    }

    [Fact]
    public void A_purchase_the_balance_cannot_hold_changes_nothing_and_is_refused_again_on_retry()
    {
        _account.CreditBalance = long.MaxValue - 10;
        Assert.Equal(BillingEventOutcome.BalanceOverflow, Buy(Pack()).Outcome);
        Assert.Equal(BillingEventOutcome.BalanceOverflow, Buy(Pack()).Outcome);
        Assert.Empty(_account.Purchases);
        Assert.Empty(_account.AppliedBillingEvents);
    }

    [Fact]
    public void Refunds_take_back_the_refunded_share_once_per_event_and_the_balance_never_goes_below_zero()
    {
        Buy(Pack());
        var half = Billing.ApplyRefund(new Refund("evt_r1", "pi_1", 500), Now);
        Assert.Equal(new BillingEventResult(BillingEventOutcome.Applied, -50), half);
        Assert.Equal(BillingEventOutcome.AlreadyApplied, Billing.ApplyRefund(new Refund("evt_r1", "pi_1", 500), Now).Outcome);

        new CreditLedger(_account).Adjust(-40, "spend", Now);
        var rest = Billing.ApplyRefund(new Refund("evt_r2", "pi_1", 1_000), Now);
        Assert.Equal(new BillingEventResult(BillingEventOutcome.Applied, -10, 40), rest);
        Assert.Equal(0, _account.CreditBalance);

        // The provider reports the total: the same total again takes nothing more, but is remembered.
        Assert.Equal(new BillingEventResult(BillingEventOutcome.Applied), Billing.ApplyRefund(new Refund("evt_r3", "pi_1", 1_000), Now));
        Assert.Contains("evt_r3", _account.AppliedBillingEvents.Keys);
    }

    [Fact]
    public void A_refund_of_an_unknown_payment_changes_nothing()
    {
        Assert.Equal(BillingEventOutcome.UnknownPayment, Billing.ApplyRefund(new Refund("evt_r1", "pi_other", 500), Now).Outcome);
        Assert.Empty(_account.AppliedBillingEvents);
    }

    [Fact]
    public void Event_ids_are_forgotten_after_thirty_days()
    {
        Buy(Pack());
        Buy(Pack(eventId: "evt_2", checkoutId: "cs_2") with { PaymentId = "pi_2" });
        Billing.ApplyRefund(new Refund("evt_r1", "pi_2", 0), Now.AddDays(31));

        Assert.Equal(["evt_r1"], _account.AppliedBillingEvents.Keys);
    }
}
