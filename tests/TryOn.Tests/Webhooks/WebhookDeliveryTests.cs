using System.Text.Json;
using TryOn.Client.Webhooks;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Webhooks;

/// <summary>Events delivered to a loopback receiver by the real service: signature, retries, redirects, the 24 h window, routing.</summary>
public sealed class WebhookDeliveryTests(WebhookAppFixture fixture) : IClassFixture<WebhookAppFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private WebhookReceiver Receiver => fixture.Receiver;

    private Task ReceivedAsync(string path, int count) =>
        Eventually.HoldsAsync(() => Task.FromResult(Receiver.ReceivedAt(path).Count >= count), Bound, $"{count} request(s) at {path}");

    [Fact]
    public async Task A_completed_generation_is_posted_signed_with_the_generation_as_GET_returns_it()
    {
        var merchant = await fixture.MerchantAsync();
        var (endpointId, secret) = await merchant.Client.CreateEndpointAsync(Receiver.Url("/signed"), "generation.completed", "generation.failed");

        var generation = await merchant.Client.GenerateAsync("COMPLETED");
        await ReceivedAsync("/signed", 1);

        var request = Receiver.ReceivedAt("/signed").Single();
        // A tolerance of zero: signed at the server's (fake) clock's second.
        Assert.Equal(WebhookSignatureVerdict.Valid, WebhookSignature.Verify(request.Signature, request.Body, secret, fixture.Clock, TimeSpan.Zero));
        Assert.Equal(WebhookSignatureVerdict.Mismatch, WebhookSignature.Verify(request.Signature, [.. request.Body, (byte)' '], secret, fixture.Clock));
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("TryOn-Webhooks/1", request.UserAgent);
        var body = request.Json;
        Assert.Equal("generation.completed", body.GetProperty("type").GetString());
        Assert.StartsWith("evt_", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, body.GetProperty("createdAt").ValueKind);
        Assert.True(JsonElement.DeepEquals(generation, body.GetProperty("data")), $"data {body.GetProperty("data")} differs from GET {generation}");
        Assert.True(body.GetProperty("data").TryGetProperty("resultImageUrl", out _));

        var delivery = await merchant.Client.DeliveryWhenAsync(endpointId, item => item.GetProperty("status").GetString() == "delivered", "the delivery to be recorded as delivered");
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal("generation.completed", delivery.GetProperty("event").GetString());
        Assert.Equal(generation.GetProperty("generationId").GetString(), delivery.GetProperty("generationId").GetString());
        Assert.Equal(body.GetProperty("id").GetString(), delivery.GetProperty("eventId").GetString());
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("nextAttemptAt").ValueKind);
    }

    [Fact]
    public async Task A_500_is_retried_later_with_the_same_event_id()
    {
        var merchant = await fixture.MerchantAsync();
        var (endpointId, secret) = await merchant.Client.CreateEndpointAsync(Receiver.Url("/flaky"), "generation.completed");
        Receiver.Answer("/flaky", 500);

        await merchant.Client.GenerateAsync("COMPLETED");
        await ReceivedAsync("/flaky", 1);
        var pending = await merchant.Client.DeliveryWhenAsync(endpointId, item => item.GetProperty("attempts").GetInt32() == 1, "the failed attempt to be recorded");
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        Assert.Equal("HTTP 500.", pending.GetProperty("lastError").GetString());
        Assert.True(pending.GetProperty("nextAttemptAt").GetDateTimeOffset() > fixture.Clock.GetUtcNow());
        Assert.Single(Receiver.ReceivedAt("/flaky"));

        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await ReceivedAsync("/flaky", 2);

        var requests = Receiver.ReceivedAt("/flaky");
        Assert.Equal(requests[0].Json.GetProperty("id").GetString(), requests[1].Json.GetProperty("id").GetString());
        Assert.All(requests, request => Assert.Equal(WebhookSignatureVerdict.Valid, WebhookSignature.Verify(request.Signature, request.Body, secret, fixture.Clock)));
        var delivered = await merchant.Client.DeliveryWhenAsync(endpointId, item => item.GetProperty("status").GetString() == "delivered", "the retry to be recorded as delivered");
        Assert.Equal(2, delivered.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_a_failed_attempt()
    {
        var merchant = await fixture.MerchantAsync();
        var (endpointId, _) = await merchant.Client.CreateEndpointAsync(Receiver.Url("/moved"), "generation.completed");
        Receiver.Answer("/moved", 302);

        await merchant.Client.GenerateAsync("COMPLETED");

        var failed = await merchant.Client.DeliveryWhenAsync(endpointId, item => item.GetProperty("attempts").GetInt32() == 1, "the redirected attempt to be recorded");
        Assert.Equal("pending", failed.GetProperty("status").GetString());
        Assert.Contains("redirect", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Empty(Receiver.ReceivedAt("/redirected/moved"));
    }

    [Fact]
    public async Task A_delivery_is_given_up_24_hours_after_its_first_attempt_and_listed_as_failed()
    {
        var merchant = await fixture.MerchantAsync();
        var (endpointId, _) = await merchant.Client.CreateEndpointAsync(Receiver.Url("/down"), "generation.completed");
        Receiver.Answer("/down", [.. Enumerable.Repeat(500, 100)]);

        await merchant.Client.GenerateAsync("COMPLETED");
        await merchant.Client.DeliveryWhenAsync(endpointId, item => item.GetProperty("attempts").GetInt32() == 1, "the first attempt to be recorded");

        fixture.Clock.Advance(TimeSpan.FromHours(25));

        var failed = await merchant.Client.DeliveryWhenAsync(endpointId, item => item.GetProperty("status").GetString() == "failed", "the delivery to be given up");
        Assert.Equal(2, failed.GetProperty("attempts").GetInt32());
        Assert.Equal("HTTP 500.", failed.GetProperty("lastError").GetString());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("nextAttemptAt").ValueKind);
        Assert.Equal(2, Receiver.ReceivedAt("/down").Count);
    }

    [Fact]
    public async Task A_failed_generation_raises_generation_failed_only_to_endpoints_subscribed_to_it()
    {
        var merchant = await fixture.MerchantAsync();
        var (completedOnly, _) = await merchant.Client.CreateEndpointAsync(Receiver.Url("/completed-only"), "generation.completed");
        var (failedToo, _) = await merchant.Client.CreateEndpointAsync(Receiver.Url("/failed-too"), "generation.failed");

        var generation = await merchant.Client.GenerateAsync("FAILED", productImageUrl: Receiver.Url("/missing.png"));
        await ReceivedAsync("/failed-too", 1);

        var body = Receiver.ReceivedAt("/failed-too").Single().Json;
        Assert.Equal("generation.failed", body.GetProperty("type").GetString());
        Assert.Equal("FAILED", body.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(generation.GetProperty("errorCode").GetString(), body.GetProperty("data").GetProperty("errorCode").GetString());
        // Deliveries are listed when the event is raised, before any is attempted: none was made for the other endpoint.
        Assert.Equal(0, (await merchant.Client.DeliveriesAsync(completedOnly)).GetArrayLength());
        Assert.Empty(Receiver.ReceivedAt("/completed-only"));
        Assert.Equal(1, (await merchant.Client.DeliveriesAsync(failedToo)).GetArrayLength());
    }

    [Fact]
    public async Task Events_go_only_to_the_endpoints_of_the_generations_own_account()
    {
        var owner = await fixture.MerchantAsync();
        var other = await fixture.MerchantAsync();
        var (ownEndpoint, _) = await owner.Client.CreateEndpointAsync(Receiver.Url("/owner"), "generation.completed");
        var (otherEndpoint, _) = await other.Client.CreateEndpointAsync(Receiver.Url("/other"), "generation.completed");

        await owner.Client.GenerateAsync("COMPLETED");
        await ReceivedAsync("/owner", 1);

        Assert.Equal(1, (await owner.Client.DeliveriesAsync(ownEndpoint)).GetArrayLength());
        Assert.Equal(0, (await other.Client.DeliveriesAsync(otherEndpoint)).GetArrayLength());
        Assert.Empty(Receiver.ReceivedAt("/other"));
    }
}
