namespace TryOn.Contracts.Idempotency;

/// <summary>
/// One <c>Idempotency-Key</c> of one account (docs/api.md, "Idempotent requests"), keyed by
/// <see cref="IdempotencyKeys.GrainKey"/>: the request that first used it, whether it is still running, and its answer
/// once it has one, for 24 h from its first use. The key is the merchant's; the grain stores only its hash.
/// </summary>
[Alias("tryon.idempotency.IIdempotencyKeyGrain")]
public interface IIdempotencyKeyGrain : IGrainWithStringKey
{
    /// <summary>
    /// A request with this key and <paramref name="fingerprint"/> (what identifies its method, path and body) arrives:
    /// it may proceed (the key is new, expired, or its last request gave no answer to keep), gets the stored answer
    /// (the same request answered before), or is refused (the key is in use by a request still running, or was used
    /// for another request).
    /// </summary>
    [Alias("Begin")]
    Task<IdempotencyClaim> BeginAsync(string fingerprint, CancellationToken cancellationToken = default);

    /// <summary>The request of <paramref name="claim"/> answered: the answer is kept and replayed for the key's lifetime.</summary>
    [Alias("Complete")]
    Task CompleteAsync(Guid claim, StoredAnswer answer, CancellationToken cancellationToken = default);

    /// <summary>
    /// The request of <paramref name="claim"/> gave no answer worth keeping (a server error): the key is free again for
    /// the same request. <paramref name="keepReference"/> keeps the reference for its retry (what it may have created
    /// under it still counts); false when the request knows nothing was created under it.
    /// </summary>
    [Alias("Release")]
    Task ReleaseAsync(Guid claim, bool keepReference, CancellationToken cancellationToken = default);
}

/// <summary>What a request with a key may do.</summary>
public enum IdempotencyOutcome
{
    /// <summary>Run the request, then complete or release <see cref="IdempotencyClaim.Claim"/>.</summary>
    Proceed,

    /// <summary>Answer <see cref="IdempotencyClaim.Answer"/> again.</summary>
    Replay,

    /// <summary>A request with this key is still running: 409 <c>IDEMPOTENCY_KEY_IN_USE</c>.</summary>
    InUse,

    /// <summary>The key was used for a different request: 422 <c>IDEMPOTENCY_KEY_REUSED</c>.</summary>
    Reused,
}

/// <summary>
/// The verdict on a request with a key. <see cref="Reference"/> (set to proceed) is what the request names what it
/// creates with (a try-on's generation id), the same for every retry of the same request, so a retry after a lost
/// answer finds what the first attempt made instead of making it twice. <see cref="Answer"/> is set to replay.
/// </summary>
[GenerateSerializer, Immutable, Alias("tryon.idempotency.IdempotencyClaim")]
public sealed record IdempotencyClaim(
    [property: Id(0)] IdempotencyOutcome Outcome,
    [property: Id(1)] Guid Claim,
    [property: Id(2)] string? Reference,
    [property: Id(3)] StoredAnswer? Answer);

/// <summary>An answer as it was sent: status, content type, <c>Location</c> header and body.</summary>
[GenerateSerializer, Immutable, Alias("tryon.idempotency.StoredAnswer")]
public sealed record StoredAnswer(
    [property: Id(0)] int Status,
    [property: Id(1)] string? ContentType,
    [property: Id(2)] string? Location,
    [property: Id(3)] byte[] Body);

public static class IdempotencyKeys
{
    /// <summary>The header (Stripe's name and semantics).</summary>
    public const string Header = "Idempotency-Key";

    /// <summary>The longest key accepted.</summary>
    public const int MaxLength = 255;

    /// <summary>How long a key and its answer are kept after its first use.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a request may hold its key before a retry may take it over (a gateway that died mid-request never
    /// releases it): longer than any request runs (a synchronous try-on waits up to 90 s).
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>The key's grain: per account, by the key's SHA-256 (a key is the merchant's text, of any shape).</summary>
    public static string GrainKey(string accountId, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        ArgumentNullException.ThrowIfNull(key);
        return accountId + "/" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>A key is 1 to <see cref="MaxLength"/> visible ASCII characters (spaces allowed inside).</summary>
    public static bool IsValid(string key) =>
        key.Length is > 0 and <= MaxLength && key.All(character => character is >= ' ' and <= '~') && key.Trim().Length == key.Length;
}
