namespace TryOn.Contracts.ApiKeys;

/// <summary>Where a key hash points: the owning account and the key's id there.</summary>
[GenerateSerializer, Immutable, Alias("tryon.apikeys.ApiKeyOwner")]
public sealed record ApiKeyOwner(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string KeyId);

/// <summary>
/// Whether the key may call the API (not revoked, account active), as its account decided at
/// <see cref="AccountVersion"/>; a standing from an older version never replaces a newer one.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.apikeys.ApiKeyStanding")]
public sealed record ApiKeyStanding(
    [property: Id(0)] bool Valid,
    [property: Id(1)] long AccountVersion);

/// <summary>
/// What authentication learns from the index: the owner and whether the key is valid. <see cref="Valid"/> is null
/// for an entry written before the index held standings: only the account can tell, and it tells the index then.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.apikeys.ApiKeyVerdict")]
public sealed record ApiKeyVerdict(
    [property: Id(0)] ApiKeyOwner Owner,
    [property: Id(1)] bool? Valid);

/// <summary>
/// The index from a key's hash to its account, one grain per key (keyed <c>apikey_&lt;sha256 hex&gt;</c>),
/// so authentication is a point lookup and never a scan of accounts. The account owns revocation and the active
/// flag and tells the index the key's standing after each change of it, so authentication asks the index only and
/// never waits behind the account's work. Calls go from the account to the index, never back (except one-way
/// notices), so neither can wait on the other.
/// </summary>
[Alias("tryon.apikeys.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records the owner; idempotent for the same owner, refused (false) for another. The key is not valid until
    /// its account sets its standing, so an entry whose account never recorded the key stays refused.
    /// </summary>
    [Alias("Register")]
    Task<bool> RegisterAsync(ApiKeyOwner owner, CancellationToken cancellationToken = default);

    /// <summary>The owner, or null for a hash no key has.</summary>
    [Alias("Resolve"), Orleans.Concurrency.ReadOnly]
    Task<ApiKeyOwner?> ResolveAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The owner and whether the key may call the API, or null for a hash no key has. Read-only, so concurrent
    /// checks of one key run together. A valid key's use is reported to its account (one-way, once a minute).
    /// </summary>
    [Alias("Verify"), Orleans.Concurrency.ReadOnly]
    Task<ApiKeyVerdict?> VerifyAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the key's standing when <paramref name="owner"/> is the registered owner and the standing is newer than
    /// the stored one; otherwise does nothing, so the account may repeat it freely.
    /// </summary>
    [Alias("SetStanding")]
    Task SetStandingAsync(ApiKeyOwner owner, ApiKeyStanding standing, CancellationToken cancellationToken = default);
}
