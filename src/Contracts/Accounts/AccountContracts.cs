namespace TryOn.Contracts.Accounts;

/// <summary>
/// Per-account limits. Rates are per minute across the whole deployment. <see cref="MonthlyGenerations"/> caps the
/// generations accepted per calendar month (UTC); 0 means no cap. <see cref="StorageBytes"/> caps the bytes the
/// account's blobs may take (uploads, product images, results, logo); a state written before it existed reads 0,
/// which <see cref="WithStorageDefault"/> turns into <see cref="DefaultStorageBytes"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.accounts.AccountLimits")]
public sealed record AccountLimits(
    [property: Id(0)] int WritesPerMinute,
    [property: Id(1)] int ReadsPerMinute,
    [property: Id(2)] int MaxInFlightGenerations,
    [property: Id(3)] int MonthlyGenerations = 0,
    [property: Id(4)] long StorageBytes = AccountLimits.DefaultStorageBytes)
{
    /// <summary>5 GiB.</summary>
    public const long DefaultStorageBytes = 5L * 1024 * 1024 * 1024;

    public static AccountLimits Default { get; } = new(100, 1200, 20);

    public AccountLimits With(AccountLimitsPatch? patch) => patch is null
        ? this
        : new(
            patch.WritesPerMinute ?? WritesPerMinute,
            patch.ReadsPerMinute ?? ReadsPerMinute,
            patch.MaxInFlightGenerations ?? MaxInFlightGenerations,
            patch.MonthlyGenerations ?? MonthlyGenerations,
            patch.StorageBytes ?? StorageBytes);

    /// <summary>These limits with the default storage quota where none was ever set (a state from before it).</summary>
    public AccountLimits WithStorageDefault() => StorageBytes > 0 ? this : this with { StorageBytes = DefaultStorageBytes };

    /// <summary>The per-minute budget of a request class.</summary>
    public int PerMinute(RequestClass requestClass) =>
        requestClass == RequestClass.Write ? WritesPerMinute : ReadsPerMinute;
}

/// <summary>A partial change of limits: omitted values keep their current value.</summary>
[GenerateSerializer, Immutable, Alias("tryon.accounts.AccountLimitsPatch")]
public sealed record AccountLimitsPatch(
    [property: Id(0)] int? WritesPerMinute,
    [property: Id(1)] int? ReadsPerMinute,
    [property: Id(2)] int? MaxInFlightGenerations,
    [property: Id(3)] int? MonthlyGenerations = null,
    [property: Id(4)] long? StorageBytes = null);

/// <summary>The two rate-limit classes: calls that create or change things, and reads.</summary>
[GenerateSerializer, Alias("tryon.accounts.RequestClass")]
public enum RequestClass
{
    Write = 0,
    Read = 1,
}

[GenerateSerializer, Immutable, Alias("tryon.accounts.NewAccount")]
public sealed record NewAccount(
    [property: Id(0)] string Name,
    [property: Id(1)] long InitialCredits,
    [property: Id(2)] AccountLimitsPatch? Limits,
    [property: Id(3)] int? RetentionDays);

[GenerateSerializer, Immutable, Alias("tryon.accounts.AccountChanges")]
public sealed record AccountChanges(
    [property: Id(0)] string? Name,
    [property: Id(1)] AccountLimitsPatch? Limits,
    [property: Id(2)] int? RetentionDays,
    [property: Id(3)] bool? Active);

/// <summary>
/// What an account looks like after a committed change. <see cref="CreditBalance"/> is what can still be spent;
/// <see cref="ReservedCredits"/> is held by unfinished generations. <see cref="StoredBytes"/> is what its blobs take,
/// against <see cref="AccountLimits.StorageBytes"/>. <see cref="Version"/> grows with every change.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.accounts.AccountSnapshot")]
public sealed record AccountSnapshot(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string Name,
    [property: Id(2)] bool Active,
    [property: Id(3)] long CreditBalance,
    [property: Id(4)] long ReservedCredits,
    [property: Id(5)] AccountLimits Limits,
    [property: Id(6)] int RetentionDays,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset UpdatedAt,
    [property: Id(9)] long Version,
    [property: Id(10)] string? LogoBlobKey = null,
    [property: Id(11)] long StoredBytes = 0);

/// <summary>
/// Whether <paramref name="RequestedBytes"/> more fit in the account's storage quota, with the figures a refusal
/// reports. Null from the grain when the account does not exist.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.accounts.StorageCheck")]
public sealed record StorageCheck(
    [property: Id(0)] bool Fits,
    [property: Id(1)] long StoredBytes,
    [property: Id(2)] long StorageBytes,
    [property: Id(3)] long RequestedBytes);

[GenerateSerializer, Immutable, Alias("tryon.accounts.CreditBalance")]
public sealed record CreditBalance(
    [property: Id(0)] long Available,
    [property: Id(1)] long Reserved);

[GenerateSerializer, Alias("tryon.accounts.LedgerEntryKind")]
public enum LedgerEntryKind
{
    Grant = 0,
    Deduction = 1,
    Purchase = 2,
    Reservation = 3,
    Charge = 4,
    Release = 5,
    Refund = 6,
}

/// <summary>
/// One movement of an account's credits. <see cref="Amount"/> is the change of the spendable balance
/// (a reservation is -1 on the balance and +1 on the reserved credits; a charge moves nothing spendable).
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.accounts.LedgerEntry")]
public sealed record LedgerEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] LedgerEntryKind Kind,
    [property: Id(2)] long Amount,
    [property: Id(3)] long BalanceAfter,
    [property: Id(4)] long ReservedAfter,
    [property: Id(5)] string Reason,
    [property: Id(6)] string? Reference,
    [property: Id(7)] DateTimeOffset CreatedAt);

[GenerateSerializer, Alias("tryon.accounts.CreditAdjustmentStatus")]
public enum CreditAdjustmentStatus
{
    Applied = 0,
    AccountNotFound = 1,
    InsufficientCredits = 2,
}

[GenerateSerializer, Immutable, Alias("tryon.accounts.CreditAdjustmentResult")]
public sealed record CreditAdjustmentResult(
    [property: Id(0)] CreditAdjustmentStatus Status,
    [property: Id(1)] AccountSnapshot? Account,
    [property: Id(2)] LedgerEntry? Entry);

/// <summary>An API key as listed: never the secret.</summary>
[GenerateSerializer, Immutable, Alias("tryon.accounts.ApiKeyInfo")]
public sealed record ApiKeyInfo(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Prefix,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset? LastUsedAt,
    [property: Id(5)] DateTimeOffset? RevokedAt);

/// <summary>A freshly issued key. <see cref="Secret"/> exists only in this answer; only its hash is stored.</summary>
[GenerateSerializer, Immutable, Alias("tryon.accounts.IssuedApiKey")]
public sealed record IssuedApiKey(
    [property: Id(0)] ApiKeyInfo Key,
    [property: Id(1)] string Secret);

[GenerateSerializer, Alias("tryon.accounts.ApiKeyRevocation")]
public enum ApiKeyRevocation
{
    Revoked = 0,
    AlreadyRevoked = 1,
    KeyNotFound = 2,
    AccountNotFound = 3,
}

[GenerateSerializer, Alias("tryon.accounts.CreditReservationStatus")]
public enum CreditReservationStatus
{
    Reserved = 0,

    /// <summary>This generation already holds a credit: asking again changes nothing.</summary>
    AlreadyReserved = 1,
    InsufficientCredits = 2,

    /// <summary>The account already has its maximum of generations in flight.</summary>
    QuotaExceeded = 3,
    AccountNotFound = 4,
    AccountInactive = 5,

    /// <summary>The account reached its cap of generations for this calendar month.</summary>
    MonthlyCapReached = 6,
}

/// <summary>
/// The answer to a reservation, with the figures an error needs: the balance, generations in flight against their
/// limit, and this month's accepted generations against the monthly cap (0: none) and when the month ends.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.accounts.CreditReservation")]
public sealed record CreditReservation(
    [property: Id(0)] CreditReservationStatus Status,
    [property: Id(1)] long CreditBalance,
    [property: Id(2)] long Reserved,
    [property: Id(3)] int InFlight,
    [property: Id(4)] int MaxInFlight,
    [property: Id(5)] int UsedThisMonth = 0,
    [property: Id(6)] int MonthlyCap = 0,
    [property: Id(7)] DateTimeOffset MonthEndsAt = default)
{
    public bool Holds => Status is CreditReservationStatus.Reserved or CreditReservationStatus.AlreadyReserved;
}

/// <summary>How a reservation ended: charged (the generation completed) or released (it failed).</summary>
[GenerateSerializer, Alias("tryon.accounts.CreditSettlement")]
public enum CreditSettlement
{
    Charged = 0,
    Released = 1,

    /// <summary>There was no open reservation for this generation (already settled, or never made): nothing changed.</summary>
    NothingOpen = 2,
}

[GenerateSerializer, Alias("tryon.accounts.ApiKeyCheck")]
public enum ApiKeyCheck
{
    Valid = 0,
    UnknownKey = 1,
    Revoked = 2,
    AccountInactive = 3,
    AccountNotFound = 4,
}
