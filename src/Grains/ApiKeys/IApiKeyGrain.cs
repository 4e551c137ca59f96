namespace TryOn.Grains.ApiKeys;

/// <summary>Where a key hash points: the owning account and the key's id there.</summary>
[GenerateSerializer, Immutable, Alias("tryon.apikeys.ApiKeyOwner")]
public sealed record ApiKeyOwner(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string KeyId);

/// <summary>
/// The index from a key's hash to its account, one grain per key (keyed <c>apikey_&lt;sha256 hex&gt;</c>),
/// so authentication is a point lookup and never a scan of accounts. Whether the key is still valid is
/// decided by the account, which owns revocation and the active flag.
/// </summary>
[Alias("tryon.apikeys.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Records the owner; idempotent for the same owner, refused (false) for another.</summary>
    [Alias("Register")]
    Task<bool> RegisterAsync(ApiKeyOwner owner, CancellationToken cancellationToken = default);

    /// <summary>The owner, or null for a hash no key has.</summary>
    [Alias("Resolve")]
    Task<ApiKeyOwner?> ResolveAsync(CancellationToken cancellationToken = default);
}
