using TryOn.Contracts.Accounts;

namespace TryOn.Web.Admin;

/// <summary>
/// Omitted values keep their current value; <c>monthlyGenerations: 0</c> removes the monthly cap. <c>storageBytes</c> is
/// the most the account's stored images may take.
/// </summary>
internal sealed record LimitsRequest(int? WritesPerMinute, int? ReadsPerMinute, int? MaxInFlightGenerations, int? MonthlyGenerations, long? StorageBytes = null)
{
    public AccountLimitsPatch ToPatch() => new(WritesPerMinute, ReadsPerMinute, MaxInFlightGenerations, MonthlyGenerations, StorageBytes);
}

internal sealed record CreateAccountRequest(string? Name, long? Credits, LimitsRequest? Limits, int? RetentionDays);

internal sealed record UpdateAccountRequest(string? Name, LimitsRequest? Limits, int? RetentionDays, bool? Active);

internal sealed record AdjustCreditsRequest(long? Amount, string? Reason);

internal sealed record IssueApiKeyRequest(string? Name);

/// <summary><c>monthlyGenerations</c> is null when the account has no monthly cap.</summary>
internal sealed record LimitsResponse(int WritesPerMinute, int ReadsPerMinute, int MaxInFlightGenerations, int? MonthlyGenerations, long StorageBytes)
{
    public static LimitsResponse From(AccountLimits limits) => new(
        limits.WritesPerMinute,
        limits.ReadsPerMinute,
        limits.MaxInFlightGenerations,
        limits.MonthlyGenerations > 0 ? limits.MonthlyGenerations : null,
        limits.WithStorageDefault().StorageBytes);
}

/// <summary>
/// An account as operators see it. <c>storedBytes</c> is what its stored images take (uploads, product images, results,
/// logo), against <c>limits.storageBytes</c>.
/// </summary>

internal sealed record AccountResponse(
    string AccountId,
    string Name,
    string Status,
    bool Active,
    long CreditBalance,
    long Reserved,
    LimitsResponse Limits,
    int RetentionDays,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool HasLogo,
    long StoredBytes)
{
    public static AccountResponse From(AccountSnapshot account) => new(
        account.AccountId,
        account.Name,
        account.Active ? "active" : "inactive",
        account.Active,
        account.CreditBalance,
        account.ReservedCredits,
        LimitsResponse.From(account.Limits),
        account.RetentionDays,
        account.CreatedAt,
        account.UpdatedAt,
        account.LogoBlobKey is not null,
        account.StoredBytes);
}

internal sealed record LedgerEntryResponse(
    long Sequence,
    string Kind,
    long Amount,
    long BalanceAfter,
    long ReservedAfter,
    string Reason,
    string? Reference,
    DateTimeOffset CreatedAt)
{
    public static LedgerEntryResponse From(LedgerEntry entry) => new(
        entry.Sequence,
        entry.Kind.ToString().ToLowerInvariant(),
        entry.Amount,
        entry.BalanceAfter,
        entry.ReservedAfter,
        entry.Reason,
        entry.Reference,
        entry.CreatedAt);
}

internal sealed record CreditAdjustmentResponse(string AccountId, long CreditBalance, long Reserved, LedgerEntryResponse Entry);

internal sealed record IssuedApiKeyResponse(string KeyId, string Name, string Key, string Prefix, DateTimeOffset CreatedAt);

internal sealed record ApiKeyResponse(
    string KeyId,
    string Name,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKeyInfo key) => new(key.KeyId, key.Name, key.Prefix, key.CreatedAt, key.LastUsedAt, key.RevokedAt);
}
