using TryOn.Grains.RateLimits;

namespace TryOn.Tests.Accounts;

public sealed class TokenBucketTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_full_bucket_spends_one_minute_at_once_then_refills_at_the_steady_rate()
    {
        var bucket = new TokenBucket(perMinute: 120, Start);

        Assert.Equal(100, bucket.Take(100, Start).Granted);
        var rest = bucket.Take(100, Start);
        Assert.Equal((20, 0), (rest.Granted, rest.Remaining));

        var empty = bucket.Take(1, Start);
        Assert.Equal(0, empty.Granted);
        Assert.Equal(TimeSpan.FromSeconds(0.5), empty.RetryAfter);

        // Two a second.
        Assert.Equal(3, bucket.Take(10, Start.AddSeconds(1.5)).Granted);
        Assert.Equal(120, bucket.Take(1000, Start.AddHours(1)).Granted);
    }

    [Fact]
    public void A_lower_limit_caps_the_tokens_and_a_higher_one_keeps_them()
    {
        var bucket = new TokenBucket(perMinute: 100, Start);
        bucket.ChangeLimit(10, Start);
        Assert.Equal(10, bucket.Take(100, Start).Granted);

        bucket.ChangeLimit(600, Start);
        Assert.Equal(0, bucket.Take(1, Start).Granted);
        Assert.Equal(10, bucket.Take(100, Start.AddSeconds(1)).Granted);
    }

    [Fact]
    public void Asking_for_nothing_is_a_bug()
    {
        var bucket = new TokenBucket(perMinute: 100, Start);
        Assert.Throws<ArgumentOutOfRangeException>(() => bucket.Take(0, Start));
    }
}
