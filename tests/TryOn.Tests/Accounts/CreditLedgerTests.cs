using TryOn.Contracts.Accounts;
using TryOn.Grains.Accounts;

namespace TryOn.Tests.Accounts;

/// <summary>The credit rules over a bare <see cref="AccountState"/>: no silo, no storage.</summary>
public sealed class CreditLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static AccountState Account(long credits = 0, int maxInFlight = 20, int monthlyCap = 0)
    {
        var account = new AccountState { Created = true, Active = true, Limits = new AccountLimits(100, 1200, maxInFlight, monthlyCap) };
        new CreditLedger(account).Adjust(credits, "Initial credits", Now);
        account.UnpublishedLedger.Clear();
        return account;
    }

    [Fact]
    public void Every_movement_is_an_entry_with_the_next_sequence_and_the_balances_after_it()
    {
        var account = Account(credits: 5);
        var ledger = new CreditLedger(account);

        var deduction = ledger.Adjust(-2, "spend", Now)!;
        ledger.Reserve("gen_1", Now);

        Assert.Equal(new LedgerEntry(2, LedgerEntryKind.Deduction, -2, 3, 0, "spend", null, Now), deduction);
        Assert.Equal(
            [(2L, LedgerEntryKind.Deduction, 3L, 0L), (3L, LedgerEntryKind.Reservation, 2L, 1L)],
            account.UnpublishedLedger.Select(entry => (entry.Sequence, entry.Kind, entry.BalanceAfter, entry.ReservedAfter)));
        Assert.Equal(new CreditBalance(2, 1), ledger.Balance);
        Assert.Equal(3, account.LedgerSequence);
    }

    [Fact]
    public void A_deduction_larger_than_the_balance_changes_nothing()
    {
        var account = Account(credits: 1);
        Assert.Null(new CreditLedger(account).Adjust(-2, "spend", Now));
        Assert.Equal((1, 1, 0), (account.CreditBalance, account.LedgerSequence, account.UnpublishedLedger.Count));
    }

    [Fact]
    public void A_generation_holds_one_credit_once_and_settles_once()
    {
        var account = Account(credits: 2);
        var ledger = new CreditLedger(account);

        Assert.Equal(CreditReservationStatus.Reserved, ledger.Reserve("gen_1", Now).Status);
        Assert.Equal(CreditReservationStatus.AlreadyReserved, ledger.Reserve("gen_1", Now).Status);
        Assert.Equal(CreditSettlement.Charged, ledger.Charge("gen_1", Now));
        Assert.Equal(CreditSettlement.NothingOpen, ledger.Charge("gen_1", Now));
        Assert.Equal(CreditSettlement.NothingOpen, ledger.Release("gen_1", Now));

        Assert.Equal(new CreditBalance(1, 0), ledger.Balance);
        Assert.Equal([LedgerEntryKind.Reservation, LedgerEntryKind.Charge], account.UnpublishedLedger.Select(entry => entry.Kind));
    }

    [Fact]
    public void A_release_returns_the_credit_and_the_place_under_the_monthly_cap()
    {
        var account = Account(credits: 5, monthlyCap: 1);
        var ledger = new CreditLedger(account);

        Assert.Equal(CreditReservationStatus.Reserved, ledger.Reserve("gen_1", Now).Status);
        var capped = ledger.Reserve("gen_2", Now);
        Assert.Equal((CreditReservationStatus.MonthlyCapReached, 1, 1), (capped.Status, capped.UsedThisMonth, capped.MonthlyCap));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), capped.MonthEndsAt);

        Assert.Equal(CreditSettlement.Released, ledger.Release("gen_1", Now));
        Assert.Equal(new CreditBalance(5, 0), ledger.Balance);
        Assert.Equal(CreditReservationStatus.Reserved, ledger.Reserve("gen_2", Now).Status);

        // A new month starts a new count.
        Assert.Equal(CreditReservationStatus.Reserved, ledger.Reserve("gen_3", Now.AddMonths(1)).Status);
    }

    [Fact]
    public void Reservations_are_refused_past_the_in_flight_limit_without_credits_and_for_inactive_or_missing_accounts()
    {
        Assert.Equal(CreditReservationStatus.AccountNotFound, new CreditLedger(new AccountState()).Reserve("gen_1", Now).Status);
        var account = Account(credits: 1, maxInFlight: 1);
        var ledger = new CreditLedger(account);
        ledger.Reserve("gen_1", Now);

        var refused = ledger.Reserve("gen_2", Now);
        Assert.Equal((CreditReservationStatus.QuotaExceeded, 1, 1), (refused.Status, refused.InFlight, refused.MaxInFlight));
        ledger.Charge("gen_1", Now);
        Assert.Equal(CreditReservationStatus.InsufficientCredits, ledger.Reserve("gen_2", Now).Status);

        account.Active = false;
        Assert.Equal(CreditReservationStatus.AccountInactive, ledger.Reserve("gen_2", Now).Status);

        // Refusals leave no entry: the grant, the reservation and its charge.
        Assert.Equal(3, account.LedgerSequence);
    }

    [Fact]
    public void Open_reservations_are_listed_by_when_they_were_made()
    {
        var account = Account(credits: 3);
        var ledger = new CreditLedger(account);
        ledger.Reserve("gen_old", Now);
        ledger.Reserve("gen_new", Now.AddMinutes(10));

        Assert.Equal(["gen_old"], ledger.OpenBefore(Now.AddMinutes(5)));
    }
}
