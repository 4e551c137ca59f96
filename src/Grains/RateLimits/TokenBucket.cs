using TryOn.Contracts.RateLimits;
namespace TryOn.Grains.RateLimits;

/// <summary>
/// A token bucket: it holds up to one minute's allowance (the burst) and refills at the per-minute rate, so a
/// quiet account can spend its whole minute at once and a busy one gets the steady rate.
/// </summary>
internal sealed class TokenBucket(int perMinute, DateTimeOffset now)
{
    private double _tokens = perMinute;
    private DateTimeOffset _updatedAt = now;

    public int PerMinute { get; private set; } = perMinute;

    private double TokensPerSecond => PerMinute / 60.0;

    /// <summary>Takes up to <paramref name="wanted"/> whole tokens; none when fewer than one is left.</summary>
    public TokenGrant Take(int wanted, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(wanted);
        Refill(now);
        var granted = (int)Math.Min(wanted, Math.Floor(_tokens));
        _tokens -= granted;
        var retryAfter = granted > 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - _tokens) / TokensPerSecond);
        return new TokenGrant(granted, PerMinute, (int)Math.Floor(_tokens), retryAfter);
    }

    /// <summary>A new limit keeps the tokens already earned, up to the new burst.</summary>
    public void ChangeLimit(int perMinute, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perMinute);
        Refill(now);
        PerMinute = perMinute;
        _tokens = Math.Min(_tokens, perMinute);
    }

    private void Refill(DateTimeOffset now)
    {
        var elapsed = now - _updatedAt;
        if (elapsed > TimeSpan.Zero)
        {
            _tokens = Math.Min(PerMinute, _tokens + (elapsed.TotalSeconds * TokensPerSecond));
            _updatedAt = now;
        }
    }
}
