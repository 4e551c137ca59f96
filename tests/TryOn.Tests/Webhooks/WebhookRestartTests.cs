using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TryOn.Contracts;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Webhooks;

/// <summary>Embedded mode keeps reminders in memory: a pending delivery must still resume after the service restarts.</summary>
public sealed class WebhookRestartTests
{
    [Fact]
    public async Task A_pending_delivery_resumes_after_the_service_restarts()
    {
        using var directory = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        void UseClock(IServiceCollection services) => services.AddKeyedSingleton<TimeProvider>(DomainClock.ServiceKey, clock);
        receiver.Answer("/restart", 503);
        string endpointId;

        await using (var first = new TryOnApp(directory.Path, WebhookAppFixture.Settings, UseClock))
        {
            using var merchant = first.CreateMerchantClient(first.DevelopmentApiKeyAfterStart());
            (endpointId, _) = await merchant.CreateEndpointAsync(receiver.Url("/restart"), "generation.completed");
            await merchant.GenerateAsync("COMPLETED");
            var pending = await merchant.DeliveryWhenAsync(endpointId, item => item.GetProperty("attempts").GetInt32() == 1, "the first attempt to fail");
            Assert.Equal("pending", pending.GetProperty("status").GetString());
        }

        Assert.Single(receiver.ReceivedAt("/restart"));
        await using var second = new TryOnApp(directory.Path, WebhookAppFixture.Settings, UseClock);
        using var restarted = second.CreateMerchantClient(second.DevelopmentApiKeyAfterStart());
        clock.Advance(TimeSpan.FromMinutes(2));

        var delivered = await restarted.DeliveryWhenAsync(endpointId, item => item.GetProperty("status").GetString() == "delivered", "the delivery to resume and succeed after the restart");
        Assert.Equal(2, delivered.GetProperty("attempts").GetInt32());
        var requests = receiver.ReceivedAt("/restart");
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Json.GetProperty("id").GetString(), requests[1].Json.GetProperty("id").GetString());
    }
}
