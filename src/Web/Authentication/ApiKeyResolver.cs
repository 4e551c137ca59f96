using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.ApiKeys;
using TryOn.Web.Errors;

namespace TryOn.Web.Authentication;

internal sealed record ApiKeyIdentity(string AccountId, string KeyId);

/// <summary>
/// Turns a presented key into its account: SHA-256 of the key → the index grain for that hash, whose read-only verdict
/// (owner, and whether the key is valid) its account keeps up to date. The account is not asked, so authentication
/// never waits behind the account's work (reservations, billing); only an index entry written before the index held
/// verdicts sends the question on to the account, once, which then tells the index. Verdicts, good and bad, are cached
/// briefly so the hot path is one hash and one dictionary read, while revocations are still seen within
/// <see cref="ApiKeyAuthenticationOptions.CacheDuration"/>. While the index cannot be reached (its silo died), a key's
/// last verdict stands in for at most <see cref="ApiKeyAuthenticationOptions.StaleWhenUnreachable"/>.
/// </summary>
internal sealed partial class ApiKeyResolver(
    IGrainFactory grains,
    TimeProvider timeProvider,
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILogger<ApiKeyResolver> logger)
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

        var settings = options.Get(ApiKeyDefaults.AuthenticationScheme);
        ApiKeyIdentity? identity;
        try
        {
            identity = await AskAsync(indexKey, hash, cancellationToken).WithinReadDeadline(cancellationToken);
        }
        catch (Exception exception) when (ClusterFailures.IsUnreachable(exception)
            && cached is not null && timeProvider.GetElapsedTime(cached.GivenAt, now) <= settings.StaleWhenUnreachable)
        {
            LogStaleVerdict(logger, exception, cached.Identity?.AccountId, timeProvider.GetElapsedTime(cached.GivenAt, now).TotalSeconds);
            return cached.Identity;
        }

        if (_verdicts.Count >= settings.CacheCapacity)
        {
            _verdicts.Clear();
        }

        var lifetime = (long)(settings.CacheDuration.TotalSeconds * timeProvider.TimestampFrequency);
        _verdicts[indexKey] = new CachedVerdict(identity, now, now + lifetime);
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

    [LoggerMessage(1, LogLevel.Warning, "A key's index grain is unreachable; its verdict of {AgeSeconds:F1} s ago (account {AccountId}) is used")]
    private static partial void LogStaleVerdict(ILogger logger, Exception exception, string? accountId, double ageSeconds);

    /// <summary>A verdict, when it was given (<see cref="TimeProvider.GetTimestamp"/>), and until when it is fresh.</summary>
    private sealed record CachedVerdict(ApiKeyIdentity? Identity, long GivenAt, long ExpiresAt);
}
