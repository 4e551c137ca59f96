using TryOn.Contracts.Webhooks;

namespace TryOn.Grains.Webhooks;

/// <summary>
/// When a failed delivery is tried again: 30 s after the first failure, doubling after each one up to an hour, each
/// delay spread by ±20 % so that the retries of many events that failed together (an endpoint that was down) do not
/// arrive together; and never after <see cref="WebhookDeliveries.RetryWindow"/> from the first attempt.
/// </summary>
internal static class WebhookRetrySchedule
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LongestDelay = TimeSpan.FromHours(1);

    /// <summary>The delay after <paramref name="failedAttempts"/> failures; <paramref name="jitter"/> is uniform in [0, 1).</summary>
    public static TimeSpan DelayAfter(int failedAttempts, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var doubled = FirstDelay * Math.Pow(2, Math.Min(failedAttempts - 1, 16));
        var delay = doubled < LongestDelay ? doubled : LongestDelay;
        return delay * (0.8 + (0.4 * Math.Clamp(jitter, 0, 1)));
    }

    /// <summary>The next attempt after a failure at <paramref name="now"/>, or null when it would fall outside the window.</summary>
    public static DateTimeOffset? NextAttempt(DateTimeOffset firstAttemptAt, DateTimeOffset now, int failedAttempts, double jitter)
    {
        var next = now + DelayAfter(failedAttempts, jitter);
        return next <= firstAttemptAt + WebhookDeliveries.RetryWindow ? next : null;
    }
}
