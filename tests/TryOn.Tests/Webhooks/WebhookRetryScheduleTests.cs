using TryOn.Contracts.Webhooks;
using TryOn.Grains.Webhooks;

namespace TryOn.Tests.Webhooks;

public sealed class WebhookRetryScheduleTests
{
    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(5, 480)]
    [InlineData(8, 3600)]
    [InlineData(30, 3600)]
    public void Delays_double_up_to_an_hour_spread_by_a_fifth(int failures, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds * 0.8), WebhookRetrySchedule.DelayAfter(failures, 0));
        Assert.Equal(TimeSpan.FromSeconds(seconds), WebhookRetrySchedule.DelayAfter(failures, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(seconds * 1.2), WebhookRetrySchedule.DelayAfter(failures, 1));
    }

    [Fact]
    public void No_attempt_is_scheduled_past_24_hours_from_the_first()
    {
        var first = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.NotNull(WebhookRetrySchedule.NextAttempt(first, first + TimeSpan.FromHours(22), 20, 0.5));
        Assert.Null(WebhookRetrySchedule.NextAttempt(first, first + TimeSpan.FromHours(23.5), 20, 0.5));
        Assert.Equal(WebhookDeliveries.RetryWindow, TimeSpan.FromHours(24));
    }
}
