using TryOn.Contracts.Accounts;
namespace TryOn.Grains.Accounts;

/// <summary>The persisted state of <see cref="AccountGrain"/>. Ids are never renumbered.</summary>
[GenerateSerializer, Alias("tryon.accounts.AccountState")]
internal sealed class AccountState
{
    [Id(0)] public bool Created { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public bool Active { get; set; }
    [Id(3)] public long CreditBalance { get; set; }
    [Id(4)] public long ReservedCredits { get; set; }
    [Id(5)] public AccountLimits Limits { get; set; } = AccountLimits.Default;
    [Id(6)] public int RetentionDays { get; set; } = AccountDefaults.RetentionDays;
    [Id(7)] public DateTimeOffset CreatedAt { get; set; }
    [Id(8)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(9)] public List<ApiKeyRecord> ApiKeys { get; set; } = [];

    /// <summary>Sequence number of the newest ledger entry.</summary>
    [Id(10)] public long LedgerSequence { get; set; }

    /// <summary>
    /// Ledger entries committed with this state but not yet copied to the ledger table (an outbox):
    /// they are written together with the balance, so the ledger can lag but never disagree.
    /// </summary>
    [Id(11)] public List<LedgerEntry> UnpublishedLedger { get; set; } = [];

    [Id(12)] public long Version { get; set; }

    /// <summary>
    /// Generations holding a reserved credit, with when they reserved it; settling removes them, which makes
    /// settling exactly-once. (Id 13 was an earlier set without times; never reuse it.)
    /// </summary>
    [Id(14)] public Dictionary<string, DateTimeOffset> OpenReservations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The account's logo (PNG with transparency), stamped on results unless a call says otherwise.</summary>
    [Id(15)] public string? LogoBlobKey { get; set; }

    /// <summary>The first day (UTC) of the month <see cref="GenerationsThisMonth"/> counts.</summary>
    [Id(16)] public DateTimeOffset UsageMonth { get; set; }

    /// <summary>Generations accepted in <see cref="UsageMonth"/> and not released: what the monthly cap counts.</summary>
    [Id(17)] public int GenerationsThisMonth { get; set; }

    /// <summary>Payment-provider events already applied, with when: each changes the balance at most once.</summary>
    [Id(18)] public Dictionary<string, DateTimeOffset> AppliedBillingEvents { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Credit packs bought, keyed by the provider's checkout id: the basis of refunds.</summary>
    [Id(19)] public Dictionary<string, PurchaseRecord> Purchases { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Bytes the account's blobs take, as the blob store reported its writes and deletions (<c>MeteredBlobStore</c>).
    /// Blobs stored before this count existed are not in it; it never goes below zero.
    /// </summary>
    [Id(20)] public long StoredBytes { get; set; }

    /// <summary>
    /// Keys whose index grain may not yet know their standing (an outbox, like <see cref="UnpublishedLedger"/>):
    /// noted with the change that moved it, committed with it, cleared once the index has been told.
    /// </summary>
    [Id(21)] public HashSet<string> UnannouncedApiKeys { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A bought credit pack and how much of it has been refunded.</summary>
[GenerateSerializer, Alias("tryon.accounts.PurchaseRecord")]
internal sealed class PurchaseRecord
{
    [Id(0)] public string? PaymentId { get; set; }
    [Id(1)] public string Pack { get; set; } = "";
    [Id(2)] public long Credits { get; set; }
    [Id(3)] public long AmountPaid { get; set; }
    [Id(4)] public string Currency { get; set; } = "";
    [Id(5)] public long CreditsRefunded { get; set; }
    [Id(6)] public DateTimeOffset PurchasedAt { get; set; }
}

/// <summary>A key as the account stores it: the SHA-256 hash of the secret, never the secret.</summary>
[GenerateSerializer, Alias("tryon.accounts.ApiKeyRecord")]
internal sealed class ApiKeyRecord
{
    [Id(0)] public string KeyId { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public string Prefix { get; set; } = "";
    [Id(3)] public byte[] Hash { get; set; } = [];
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset? LastUsedAt { get; set; }
    [Id(6)] public DateTimeOffset? RevokedAt { get; set; }

    public ApiKeyInfo ToInfo() => new(KeyId, Name, Prefix, CreatedAt, LastUsedAt, RevokedAt);
}
