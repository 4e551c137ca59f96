using TryOn.Contracts.Accounts;
namespace TryOn.Grains.Accounts;

/// <summary>
/// The rules of an account's credits, over its state: the balance never goes negative, every movement is a ledger
/// entry with the next sequence number and the balances after it, and a generation holds at most one reserved credit,
/// within the account's in-flight limit and monthly cap. Plain code with no I/O, so the rules are tested without a
/// silo; <see cref="AccountGrain"/> persists and publishes what it changes.
/// </summary>
internal sealed class CreditLedger(AccountState account)
{
    public CreditBalance Balance => new(account.CreditBalance, account.ReservedCredits);

    /// <summary>
    /// Grants (positive) or deducts (negative) credits. A deduction larger than the balance changes nothing: null.
    /// </summary>
    public LedgerEntry? Adjust(long amount, string reason, DateTimeOffset now)
    {
        if (amount < 0 && account.CreditBalance + amount < 0)
        {
            return null;
        }

        var kind = amount >= 0 ? LedgerEntryKind.Grant : LedgerEntryKind.Deduction;
        return Record(kind, amount, reservedChange: 0, reason, reference: null, now);
    }

    /// <summary>
    /// Moves one credit from the balance to the reserved credits for <paramref name="generationId"/>, unless a rule
    /// refuses it; only <see cref="CreditReservationStatus.Reserved"/> changes the state. The checks and the change are
    /// one step, so the limits are exact under concurrency.
    /// </summary>
    public CreditReservation Reserve(string generationId, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(generationId);
        var month = UsageMonth.Of(now);
        var usedThisMonth = account.UsageMonth == month ? account.GenerationsThisMonth : 0;
        var status = !account.Created ? CreditReservationStatus.AccountNotFound
            : !account.Active ? CreditReservationStatus.AccountInactive
            : account.OpenReservations.ContainsKey(generationId) ? CreditReservationStatus.AlreadyReserved
            : account.OpenReservations.Count >= account.Limits.MaxInFlightGenerations ? CreditReservationStatus.QuotaExceeded
            : account.Limits.MonthlyGenerations > 0 && usedThisMonth >= account.Limits.MonthlyGenerations ? CreditReservationStatus.MonthlyCapReached
            : account.CreditBalance < 1 ? CreditReservationStatus.InsufficientCredits
            : CreditReservationStatus.Reserved;
        if (status == CreditReservationStatus.Reserved)
        {
            account.OpenReservations.Add(generationId, now);
            account.UsageMonth = month;
            account.GenerationsThisMonth = ++usedThisMonth;
            Record(LedgerEntryKind.Reservation, -1, reservedChange: 1, "Generation accepted", generationId, now);
        }

        return new CreditReservation(
            status,
            account.CreditBalance,
            account.ReservedCredits,
            account.OpenReservations.Count,
            account.Limits.MaxInFlightGenerations,
            usedThisMonth,
            account.Limits.MonthlyGenerations,
            UsageMonth.Next(month));
    }

    /// <summary>Generations whose credit was reserved before <paramref name="reservedBefore"/> and is still open.</summary>
    public IReadOnlyList<string> OpenBefore(DateTimeOffset reservedBefore) =>
        [.. account.OpenReservations.Where(open => open.Value < reservedBefore).Select(open => open.Key)];

    /// <summary>Charges the generation's reserved credit (it completed); exactly once.</summary>
    public CreditSettlement Charge(string generationId, DateTimeOffset now) =>
        Settle(generationId, LedgerEntryKind.Charge, balanceChange: 0, "Generation completed", now);

    /// <summary>Gives the generation's reserved credit back (it failed), and its place under the monthly cap; exactly once.</summary>
    public CreditSettlement Release(string generationId, DateTimeOffset now) =>
        Settle(generationId, LedgerEntryKind.Release, balanceChange: 1, "Generation failed: credit returned", now);

    /// <summary>
    /// Gives back a credit reserved by an admission that did not store its generation (a later step failed, or its
    /// silo died mid-call and the id was then closed); exactly once, and named for what happened.
    /// </summary>
    public CreditSettlement ReleaseAdmission(string generationId, DateTimeOffset now) =>
        Settle(generationId, LedgerEntryKind.Release, balanceChange: 1, "Admission failed: credit returned", now);

    /// <summary>Applies a movement and appends its ledger entry; the balances after it are in the entry.</summary>
    public LedgerEntry Record(LedgerEntryKind kind, long amount, long reservedChange, string reason, string? reference, DateTimeOffset now)
    {
        account.CreditBalance = checked(account.CreditBalance + amount);
        account.ReservedCredits = checked(account.ReservedCredits + reservedChange);
        account.LedgerSequence++;
        var entry = new LedgerEntry(account.LedgerSequence, kind, amount, account.CreditBalance, account.ReservedCredits, reason, reference, now);
        account.UnpublishedLedger.Add(entry);
        return entry;
    }

    private CreditSettlement Settle(string generationId, LedgerEntryKind kind, long balanceChange, string reason, DateTimeOffset now)
    {
        // Removing the open reservation is what makes settling exactly-once.
        if (!account.OpenReservations.Remove(generationId, out var reservedAt))
        {
            return CreditSettlement.NothingOpen;
        }

        if (kind == LedgerEntryKind.Release && UsageMonth.Of(reservedAt) == account.UsageMonth && account.GenerationsThisMonth > 0)
        {
            // A failed generation does not count against the monthly cap.
            account.GenerationsThisMonth--;
        }

        Record(kind, balanceChange, reservedChange: -1, reason, generationId, now);
        return kind == LedgerEntryKind.Charge ? CreditSettlement.Charged : CreditSettlement.Released;
    }
}
