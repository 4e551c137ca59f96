using System.Collections.Concurrent;
using TryOn.Grains.Accounts;
using TryOn.Grains.Hosting;
using TryOn.Grains.RateLimits;

namespace TryOn.Api.RateLimiting;

/// <summary>
/// This process's view of the per-account request budgets. The budget itself lives in the account's
/// <see cref="IRateLimitGrain"/>, shared by every API process; this class leases small batches of tokens from it
/// (a tenth of a second of the steady rate) and spends them locally, so most requests cost a lock, not a grain call.
/// Leased tokens expire after <see cref="LeaseLifetime"/>: a process cannot hoard them, and since every token comes
/// from the one bucket, processes together never admit more than the limit.
/// </summary>
internal sealed class AccountRateLimiter(
    IGrainFactory grains,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock)
{
    /// <summary>How long leased tokens stay spendable here before they are dropped.</summary>
    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<(string AccountId, RequestClass Class), Lease> _leases = new();

    public ValueTask<RateLimitDecision> AcquireAsync(string accountId, RequestClass requestClass)
    {
        var lease = _leases.GetOrAdd((accountId, requestClass), static _ => new Lease());
        var now = clock.GetUtcNow();
        lock (lease)
        {
            if (lease.Tokens > 0 && now < lease.ExpiresAt)
            {
                lease.Tokens--;
                return ValueTask.FromResult(lease.Allowed());
            }

            if (now < lease.EmptyUntil)
            {
                // The shared bucket said when its next token exists; asking again sooner cannot succeed.
                return ValueTask.FromResult(RateLimitDecision.Refused(lease.PerMinute, lease.RetryAt - now));
            }
        }

        return RefillAsync(accountId, requestClass, lease);
    }

    private async ValueTask<RateLimitDecision> RefillAsync(string accountId, RequestClass requestClass, Lease lease)
    {
        var grant = await grains.GetGrain<IRateLimitGrain>(accountId).TakeAsync(requestClass, lease.BatchSize);
        var now = clock.GetUtcNow();
        lock (lease)
        {
            lease.PerMinute = grant.PerMinute;
            lease.BucketRemaining = grant.Remaining;
            if (grant.Granted == 0)
            {
                // Remembered for at most a lease's lifetime, so a limit raised meanwhile applies within a second.
                lease.RetryAt = now + grant.RetryAfter;
                lease.EmptyUntil = now + TimeSpan.FromTicks(Math.Min(grant.RetryAfter.Ticks, LeaseLifetime.Ticks));
                return RateLimitDecision.Refused(grant.PerMinute, grant.RetryAfter);
            }

            // One token pays for this request; the rest is this process's lease.
            lease.Tokens = (now < lease.ExpiresAt ? lease.Tokens : 0) + grant.Granted - 1;
            lease.ExpiresAt = now + LeaseLifetime;
            return lease.Allowed();
        }
    }

    /// <summary>Tokens of one account and class leased to this process. Guarded by its own lock.</summary>
    private sealed class Lease
    {
        public int Tokens { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }

        public DateTimeOffset EmptyUntil { get; set; }

        /// <summary>When the shared bucket expected its next token, as of the last refusal.</summary>
        public DateTimeOffset RetryAt { get; set; }

        public int PerMinute { get; set; } = 1;

        /// <summary>What the shared bucket held after the last lease.</summary>
        public int BucketRemaining { get; set; }

        /// <summary>A tenth of a second of the steady rate, at least one token.</summary>
        public int BatchSize => Math.Max(1, PerMinute / 600);

        public RateLimitDecision Allowed() => RateLimitDecision.Allow(PerMinute, BucketRemaining + Tokens);
    }
}

/// <summary>Whether a request may run, with what the rate-limit headers and a refusal report.</summary>
internal readonly record struct RateLimitDecision(bool IsAllowed, int PerMinute, int Remaining, TimeSpan RetryAfter)
{
    public static RateLimitDecision Allow(int perMinute, int remaining) => new(true, perMinute, remaining, TimeSpan.Zero);

    public static RateLimitDecision Refused(int perMinute, TimeSpan retryAfter) => new(false, perMinute, 0, retryAfter);

    /// <summary>Whole seconds for <c>Retry-After</c>, rounded up and at least one.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}
