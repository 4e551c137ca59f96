using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.RateLimits;

namespace TryOn.Grains.RateLimits;

internal sealed class RateLimitGrain(
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider timeProvider) : Grain, IRateLimitGrain
{
    private TokenBucket _writes = null!;
    private TokenBucket _reads = null!;
    private long _limitsVersion = -1;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var account = await GrainFactory.GetGrain<IAccountGrain>(this.GetPrimaryKeyString()).GetAsync(cancellationToken);
        var limits = account?.Limits ?? AccountLimits.Default;
        var now = timeProvider.GetUtcNow();
        _writes = new TokenBucket(limits.WritesPerMinute, now);
        _reads = new TokenBucket(limits.ReadsPerMinute, now);
        _limitsVersion = account?.Version ?? -1;
    }

    public Task<TokenGrant> TakeAsync(RequestClass requestClass, int wanted, CancellationToken cancellationToken = default) =>
        Task.FromResult(Bucket(requestClass).Take(wanted, timeProvider.GetUtcNow()));

    public Task ApplyLimitsAsync(AccountLimits limits, long version)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (version > _limitsVersion)
        {
            var now = timeProvider.GetUtcNow();
            _writes.ChangeLimit(limits.WritesPerMinute, now);
            _reads.ChangeLimit(limits.ReadsPerMinute, now);
            _limitsVersion = version;
        }

        return Task.CompletedTask;
    }

    private TokenBucket Bucket(RequestClass requestClass) => requestClass == RequestClass.Write ? _writes : _reads;
}
