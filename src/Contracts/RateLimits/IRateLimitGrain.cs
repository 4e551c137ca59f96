using TryOn.Contracts.Accounts;

namespace TryOn.Contracts.RateLimits;

/// <summary>
/// The request budget of one account (keyed by its account id), one bucket per <see cref="RequestClass"/>.
/// There is one activation in the whole cluster, so every API process draws from the same buckets. Buckets live
/// in memory: after a deactivation (long idle, or a lost silo) they start full again.
/// </summary>
[Alias("tryon.ratelimits.IRateLimitGrain")]
public interface IRateLimitGrain : IGrainWithStringKey
{
    /// <summary>Takes up to <paramref name="wanted"/> tokens from the class's bucket.</summary>
    [Alias("Take")]
    Task<TokenGrant> TakeAsync(RequestClass requestClass, int wanted, CancellationToken cancellationToken = default);

    /// <summary>Applies limits changed through the admin API; <paramref name="version"/> orders the changes.</summary>
    [Alias("ApplyLimits"), Orleans.Concurrency.OneWay]
    Task ApplyLimitsAsync(AccountLimits limits, long version);
}
