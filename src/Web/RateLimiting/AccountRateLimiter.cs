using System.Collections.Concurrent;
using TryOn.Contracts;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.RateLimits;

namespace TryOn.Web.RateLimiting;

/// <summary>
/// This process's view of the per-account request budgets. The budget itself lives in the account's
/// <see cref="IRateLimitGrain"/>, shared by every API process; this class leases small batches of tokens from it
/// (a tenth of a second of the steady rate) and spends them locally, so most requests cost a lock, not a grain call.
/// One refill per account and class is in flight at a time; requests that find the lease empty wait for it.
/// Leased tokens expire after <see cref="LeaseLifetime"/>: a process cannot hoard them, and since every token comes
/// from the one bucket, processes together never admit more than the limit.
/// </summary>
internal sealed partial class AccountRateLimiter(
    IGrainFactory grains,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
    ILogger<AccountRateLimiter> logger)
{
    /// <summary>How long leased tokens stay spendable here before they are dropped.</summary>
    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<(string AccountId, RequestClass Class), Lease> _leases = new();

    public ValueTask<RateLimitDecision> AcquireAsync(string accountId, RequestClass requestClass)
    {
        var lease = _leases.GetOrAdd((accountId, requestClass), static _ => new Lease());
        return lease.TrySpend(clock.GetUtcNow(), out var decision)
            ? ValueTask.FromResult(decision)
            : WaitForRefillAsync(accountId, requestClass, lease);
    }

    private async ValueTask<RateLimitDecision> WaitForRefillAsync(string accountId, RequestClass requestClass, Lease lease)
    {
        while (true)
        {
            Task<bool> refill;
            lock (lease.Gate)
            {
                if (lease.TrySpend(clock.GetUtcNow(), out var decision))
                {
                    return decision;
                }

                refill = lease.Refill ??= RefillAsync(accountId, requestClass, lease);
            }

            if (!await refill)
            {
                // The shared bucket could not be asked (its silo is failing over). A budget is not money: the
                // request goes through rather than failing, and so do the others for a second before asking again.
                return RateLimitDecision.Allow(lease.PerMinute, 0);
            }
        }
    }

    /// <summary>Asks the shared bucket for a batch; false when the grain could not be reached.</summary>
    private async Task<bool> RefillAsync(string accountId, RequestClass requestClass, Lease lease)
    {
        // Yield first, so the caller that starts the refill stores it before any waiter can look for it.
        await Task.Yield();
        try
        {
            var grant = await grains.GetGrain<IRateLimitGrain>(accountId).TakeAsync(requestClass, lease.BatchSize);
            lock (lease.Gate)
            {
                lease.Add(grant, clock.GetUtcNow());
            }

            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogBucketUnavailable(logger, exception, accountId);
            lock (lease.Gate)
            {
                lease.OpenUntil = clock.GetUtcNow() + LeaseLifetime;
            }

            return false;
        }
        finally
        {
            lock (lease.Gate)
            {
                lease.Refill = null;
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The request budget of account {AccountId} could not be read; the request is let through")]
    private static partial void LogBucketUnavailable(ILogger logger, Exception exception, string accountId);

    /// <summary>Tokens of one account and class leased to this process. Guarded by <see cref="Gate"/>.</summary>
    private sealed class Lease
    {
        public Lock Gate { get; } = new();

        private int _tokens;
        private DateTimeOffset _expiresAt;
        private DateTimeOffset _emptyUntil;
        private DateTimeOffset _retryAt;

        /// <summary>What the shared bucket held after the last lease.</summary>
        private int _bucketRemaining;

        public int PerMinute { get; private set; } = 1;

        /// <summary>Until when requests go through unasked, after the shared bucket could not be reached.</summary>
        public DateTimeOffset OpenUntil { get; set; }

        /// <summary>The refill in flight, shared by every request waiting for it.</summary>
        public Task<bool>? Refill { get; set; }

        /// <summary>A tenth of a second of the steady rate, at least one token.</summary>
        public int BatchSize => Math.Max(1, PerMinute / 600);

        /// <summary>Spends a leased token, or refuses while the shared bucket is known to be empty.</summary>
        public bool TrySpend(DateTimeOffset now, out RateLimitDecision decision)
        {
            lock (Gate)
            {
                if (now < OpenUntil)
                {
                    decision = RateLimitDecision.Allow(PerMinute, 0);
                    return true;
                }

                if (_tokens > 0 && now < _expiresAt)
                {
                    _tokens--;
                    decision = RateLimitDecision.Allow(PerMinute, _bucketRemaining + _tokens);
                    return true;
                }

                if (now < _emptyUntil)
                {
                    // The shared bucket said when its next token exists; asking again sooner cannot succeed.
                    decision = RateLimitDecision.Refused(PerMinute, _retryAt - now);
                    return true;
                }

                decision = default;
                return false;
            }
        }

        public void Add(TokenGrant grant, DateTimeOffset now)
        {
            PerMinute = grant.PerMinute;
            _bucketRemaining = grant.Remaining;
            if (grant.Granted == 0)
            {
                // Remembered for at most a lease's lifetime, so a limit raised meanwhile applies within a second.
                _retryAt = now + grant.RetryAfter;
                _emptyUntil = now + TimeSpan.FromTicks(Math.Min(grant.RetryAfter.Ticks, LeaseLifetime.Ticks));
                return;
            }

            _tokens = (now < _expiresAt ? _tokens : 0) + grant.Granted;
            _expiresAt = now + LeaseLifetime;
        }
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
