using TryOn.Contracts.Billing;

namespace TryOn.Contracts.Accounts;

/// <summary>
/// One merchant account, keyed by its account id (<c>acct_…</c>): the single writer of the account's
/// settings, API keys and money. Every change is persisted before it is reported.
/// </summary>
[Alias("tryon.accounts.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>Creates the account; idempotent: an existing account is returned unchanged.</summary>
    [Alias("Create")]
    Task<AccountSnapshot> CreateAsync(NewAccount account, CancellationToken cancellationToken = default);

    /// <summary>The account, or null when it was never created.</summary>
    [Alias("Get")]
    Task<AccountSnapshot?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies the given fields; omitted fields keep their value. Null when the account does not exist. A change of the
    /// active flag is answered once every key's index knows it, as a revocation is.
    /// </summary>
    [Alias("Update")]
    Task<AccountSnapshot?> UpdateAsync(AccountChanges changes, CancellationToken cancellationToken = default);

    /// <summary>Grants (positive) or deducts (negative) credits, recorded in the ledger. The balance never goes negative.</summary>
    [Alias("AdjustCredits")]
    Task<CreditAdjustmentResult> AdjustCreditsAsync(long amount, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Holds one credit for a generation being accepted: moves it from the balance to the reserved credits, unless
    /// the balance is empty or the account has its maximum of generations in flight. Idempotent per generation id.
    /// </summary>
    [Alias("ReserveCredit")]
    Task<CreditReservation> ReserveCreditAsync(string generationId, CancellationToken cancellationToken = default);

    /// <summary>Generations whose credit was reserved before <paramref name="reservedBefore"/> and is still open.</summary>
    [Alias("ListOpenReservations")]
    Task<IReadOnlyList<string>> ListOpenReservationsAsync(DateTimeOffset reservedBefore, CancellationToken cancellationToken = default);

    /// <summary>Charges the generation's reserved credit (it completed). Exactly once: later calls change nothing.</summary>
    [Alias("ChargeCredit")]
    Task<CreditSettlement> ChargeCreditAsync(string generationId, CancellationToken cancellationToken = default);

    /// <summary>Gives the generation's reserved credit back to the balance (it failed). Exactly once.</summary>
    [Alias("ReleaseCredit")]
    Task<CreditSettlement> ReleaseCreditAsync(string generationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives back the credit an admission reserved for <paramref name="generationId"/> when the generation was never
    /// stored (the ledger says "Admission failed"). Exactly once, and never after the credit was settled otherwise.
    /// </summary>
    [Alias("ReleaseAdmissionCredit")]
    Task<CreditSettlement> ReleaseAdmissionCreditAsync(string generationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Credits a paid pack. Exactly once per provider event and per checkout: replays and second events for the same
    /// checkout change nothing.
    /// </summary>
    [Alias("ApplyPurchase")]
    Task<BillingEventResult> ApplyPurchaseAsync(Purchase purchase, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deducts the credits of a refunded payment, in proportion to the amount refunded, once per provider event.
    /// Credits already spent cannot be taken back: the balance never goes below zero, and the result says how many.
    /// </summary>
    [Alias("ApplyRefund")]
    Task<BillingEventResult> ApplyRefundAsync(Refund refund, CancellationToken cancellationToken = default);

    /// <summary>Sets (or, with null, removes) the logo stamped on results. Null when the account does not exist.</summary>
    [Alias("SetLogo")]
    Task<AccountSnapshot?> SetLogoAsync(string? logoBlobKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether <paramref name="bytes"/> more fit in the account's storage quota; changes nothing. Null when the account
    /// does not exist. Writers ask before they store what a request brought, so concurrent writes of one account can
    /// pass the quota by at most what they store together.
    /// </summary>
    [Alias("CheckStorage")]
    Task<StorageCheck?> CheckStorageAsync(long bytes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="change"/> (negative: a deletion) to the bytes the account's blobs take. The total never goes
    /// below zero. Does nothing when the account does not exist. Counted at once, written with the account's next commit
    /// or within 5 seconds.
    /// </summary>
    [Alias("RecordStoredBytes")]
    Task RecordStoredBytesAsync(long change, CancellationToken cancellationToken = default);

    /// <summary>Spendable and reserved credits, or null when the account does not exist.</summary>
    [Alias("GetCredits")]
    Task<CreditBalance?> GetCreditsAsync(CancellationToken cancellationToken = default);

    /// <summary>Issues a key; the secret is in this answer only. Null when the account does not exist.</summary>
    [Alias("IssueApiKey")]
    Task<IssuedApiKey?> IssueApiKeyAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The account's keys without secrets, oldest first. Null when the account does not exist.</summary>
    [Alias("ListApiKeys")]
    Task<IReadOnlyList<ApiKeyInfo>?> ListApiKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Revokes a key; idempotent. Answered once the key's index refuses it; should telling the index fail, the call
    /// fails (the revocation is saved and the index is told again within seconds, or when the call is repeated).
    /// </summary>
    [Alias("RevokeApiKey")]
    Task<ApiKeyRevocation> RevokeApiKeyAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether the key with this id and SHA-256 hash may call the API now (compared in constant time), and records when
    /// it was last used, at minute precision. Authentication asks the key's index (<c>IApiKeyGrain.Verify</c>); it asks
    /// here only for an index entry written before the index held standings, which this call then tells.
    /// </summary>
    [Alias("CheckApiKey")]
    Task<ApiKeyCheck> CheckApiKeyAsync(string keyId, byte[] keyHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// A valid key was used: records it at minute precision. One-way, sent by the key's index, so that authentication
    /// never waits for the account.
    /// </summary>
    [Alias("RecordApiKeyUse"), Orleans.Concurrency.OneWay]
    Task RecordApiKeyUseAsync(string keyId, CancellationToken cancellationToken = default);
}
