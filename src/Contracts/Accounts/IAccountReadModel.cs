using TryOn.Contracts.Paging;

namespace TryOn.Contracts.Accounts;

/// <summary>
/// The relational side of accounts: the list the admin API pages through and the credit ledger.
/// Written by <c>AccountGrain</c> after each committed change with idempotent upserts
/// (accounts guarded by version, ledger rows keyed by account and sequence), so a retry is harmless.
/// </summary>
public interface IAccountReadModel
{
    Task PublishAsync(AccountSnapshot account, IReadOnlyList<LedgerEntry> newLedgerEntries, CancellationToken cancellationToken = default);

    /// <summary>Accounts, newest first.</summary>
    Task<Page<AccountSnapshot>> ListAccountsAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Accounts that hold reserved credits, for the reservation reconciliation.</summary>
    Task<IReadOnlyList<string>> ListAccountsWithReservationsAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>One account's ledger, newest first.</summary>
    Task<Page<LedgerEntry>> ListLedgerAsync(string accountId, PageRequest page, CancellationToken cancellationToken = default);
}
