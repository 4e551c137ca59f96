using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.ApiKeys;

namespace TryOn.Web.Authentication;

internal sealed record ApiKeyIdentity(string AccountId, string KeyId);

/// <summary>
/// Turns a presented key into its account: SHA-256 of the key → the index grain for that hash, whose read-only verdict
/// (owner, and whether the key is valid) its account keeps up to date. The account is not asked, so authentication
/// never waits behind the account's work (reservations, billing); only an index entry written before the index held
/// verdicts sends the question on to the account, once, which then tells the index. Verdicts, good and bad, are cached
/// briefly so the hot path is one hash and one dictionary read, while revocations are still seen within
/// <see cref="ApiKeyAuthenticationOptions.CacheDuration"/>.
/// </summary>
internal sealed class ApiKeyResolver(
    IGrainFactory grains,
    TimeProvider timeProvider,
    IOptionsMonitor<ApiKeyAuthenticationOptions> options)
{
    private readonly ConcurrentDictionary<string, CachedVerdict> _verdicts = new(StringComparer.Ordinal);

    public async ValueTask<ApiKeyIdentity?> ResolveAsync(string presentedKey, CancellationToken cancellationToken = default)
    {
        if (!ApiKeySecret.HasValidShape(presentedKey))
        {
            return null;
        }

        var hash = ApiKeySecret.Hash(presentedKey);
        var indexKey = ApiKeySecret.IndexGrainKey(hash);
        var now = timeProvider.GetTimestamp();
        if (_verdicts.TryGetValue(indexKey, out var cached) && now < cached.ExpiresAt)
        {
            return cached.Identity;
        }

        var identity = await AskAsync(indexKey, hash, cancellationToken);
        var settings = options.Get(ApiKeyDefaults.AuthenticationScheme);
        if (_verdicts.Count >= settings.CacheCapacity)
        {
            _verdicts.Clear();
        }

        var lifetime = (long)(settings.CacheDuration.TotalSeconds * timeProvider.TimestampFrequency);
        _verdicts[indexKey] = new CachedVerdict(identity, now + lifetime);
        return identity;
    }

    private async Task<ApiKeyIdentity?> AskAsync(string indexKey, byte[] hash, CancellationToken cancellationToken)
    {
        if (await grains.GetGrain<IApiKeyGrain>(indexKey).VerifyAsync(cancellationToken) is not { Owner: var owner } verdict)
        {
            return null;
        }

        var valid = verdict.Valid
            ?? await grains.GetGrain<IAccountGrain>(owner.AccountId).CheckApiKeyAsync(owner.KeyId, hash, cancellationToken) == ApiKeyCheck.Valid;
        return valid ? new ApiKeyIdentity(owner.AccountId, owner.KeyId) : null;
    }

    private readonly record struct CachedVerdict(ApiKeyIdentity? Identity, long ExpiresAt);
}
