using System.Net;
using System.Net.Http.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Webhooks;

/// <summary><c>/webhook-endpoints</c> on the service as shipped (no private networks): create, list, delete, and what is refused.</summary>
public sealed class WebhookEndpointsApiTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private const string Url = "https://hooks.example.com/tryon";

    [Fact]
    public async Task An_endpoint_is_created_with_a_secret_shown_once_listed_without_it_and_deleted()
    {
        var merchant = await fixture.CreateMerchantAsync();

        var response = await merchant.Client.PostAsJsonAsync("/tryon/v1/webhook-endpoints", new { url = Url, events = new[] { "generation.completed" } });
        var created = await response.ShouldBeOkAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("whe_", id, StringComparison.Ordinal);
        Assert.Equal(Url, created.GetProperty("url").GetString());
        Assert.Equal(["generation.completed"], created.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.True(created.TryGetProperty("createdAt", out _));

        var listed = await (await merchant.Client.GetAsync("/tryon/v1/webhook-endpoints")).ShouldBeOkAsync();
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.False(item.TryGetProperty("secret", out _));
        Assert.Equal(1, listed.GetProperty("count").GetInt32());
        Assert.Equal(0, (await merchant.Client.DeliveriesAsync(id)).GetArrayLength());

        Assert.Equal(HttpStatusCode.NoContent, (await merchant.Client.DeleteAsync($"/tryon/v1/webhook-endpoints/{id}")).StatusCode);
        Assert.Equal(0, (await (await merchant.Client.GetAsync("/tryon/v1/webhook-endpoints")).ShouldBeOkAsync()).GetProperty("count").GetInt32());
        await (await merchant.Client.DeleteAsync($"/tryon/v1/webhook-endpoints/{id}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "WEBHOOK_ENDPOINT_NOT_FOUND");
    }

    [Fact]
    public async Task Another_account_can_neither_see_nor_delete_an_endpoint()
    {
        var owner = await fixture.CreateMerchantAsync();
        var other = await fixture.CreateMerchantAsync();
        var (id, _) = await owner.Client.CreateEndpointAsync(Url, "generation.failed");

        Assert.Equal(0, (await (await other.Client.GetAsync("/tryon/v1/webhook-endpoints")).ShouldBeOkAsync()).GetProperty("count").GetInt32());
        await (await other.Client.DeleteAsync($"/tryon/v1/webhook-endpoints/{id}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "WEBHOOK_ENDPOINT_NOT_FOUND");
        await (await other.Client.GetAsync($"/tryon/v1/webhook-endpoints/{id}/deliveries")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "WEBHOOK_ENDPOINT_NOT_FOUND");
        Assert.Equal(1, (await (await owner.Client.GetAsync("/tryon/v1/webhook-endpoints")).ShouldBeOkAsync()).GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("""{"events": ["generation.completed"]}""", "url")]
    [InlineData("""{"url": "https://hooks.example.com/tryon"}""", "events")]
    [InlineData("""{"url": "https://hooks.example.com/tryon", "events": []}""", "events")]
    [InlineData("""{"url": "https://hooks.example.com/tryon", "events": ["generation.started"]}""", "events.0")]
    [InlineData("""{"url": "https://hooks.example.com/tryon", "events": ["generation.completed", null]}""", "events.1")]
    [InlineData("""{"url": "https://hooks.example.com/tryon", "events": ["generation.failed", "generation.failed"]}""", "events")]
    [InlineData("""{"url": "https://hooks.example.com/tryon", "events": "generation.completed"}""", "events")]
    [InlineData("""{"url": 42, "events": ["generation.completed"]}""", "url")]
    [InlineData("""{"url": "not a url", "events": ["generation.completed"]}""", "url")]
    [InlineData("""{"url": "ftp://hooks.example.com/tryon", "events": ["generation.completed"]}""", "url")]
    [InlineData("""{"url": "https://user:pass@hooks.example.com/tryon", "events": ["generation.completed"]}""", "url")]
    [InlineData("""{"url": "http://hooks.example.com/tryon", "events": ["generation.completed"]}""", "url")]
    [InlineData("""{"url": "https://hooks.example.com:8443/tryon", "events": ["generation.completed"]}""", "url")]
    [InlineData("""{"url": "https://127.0.0.1/tryon", "events": ["generation.completed"]}""", "url")]
    [InlineData("""{"url": "https://10.1.2.3/tryon", "events": ["generation.completed"]}""", "url")]
    [InlineData("""{"url": "https://169.254.169.254/latest", "events": ["generation.completed"]}""", "url")]
    [InlineData("""{"url": "https://[::1]/tryon", "events": ["generation.completed"]}""", "url")]
    [InlineData("""{"url": "https://localhost/tryon", "events": ["generation.completed"]}""", "url")]
    public async Task A_bad_endpoint_is_VALIDATION_FAILED_at_its_path(string body, string path)
    {
        var merchant = await fixture.CreateMerchantAsync();

        var error = await (await merchant.Client.PostRawAsync("/tryon/v1/webhook-endpoints", body)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        Assert.Contains(path, error.GetProperty("details").EnumerateArray().Select(detail => detail.GetProperty("path").GetString()));
        Assert.Equal(0, (await (await merchant.Client.GetAsync("/tryon/v1/webhook-endpoints")).ShouldBeOkAsync()).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Malformed_json_and_no_body_are_refused()
    {
        var merchant = await fixture.CreateMerchantAsync();

        await (await merchant.Client.PostRawAsync("/tryon/v1/webhook-endpoints", """{"url": "https://hooks.example.com/""")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "INVALID_JSON");
        var missing = await (await merchant.Client.PostAsync("/tryon/v1/webhook-endpoints", null)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("", missing.GetProperty("details")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Deliveries_of_an_unknown_endpoint_are_WEBHOOK_ENDPOINT_NOT_FOUND_and_a_bad_limit_is_refused()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var (id, _) = await merchant.Client.CreateEndpointAsync(Url, "generation.completed");

        await (await merchant.Client.GetAsync("/tryon/v1/webhook-endpoints/whe_unknown/deliveries")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "WEBHOOK_ENDPOINT_NOT_FOUND");
        await (await merchant.Client.GetAsync("/tryon/v1/webhook-endpoints/not-an-id/deliveries")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "WEBHOOK_ENDPOINT_NOT_FOUND");
        await (await merchant.Client.GetAsync($"/tryon/v1/webhook-endpoints/{id}/deliveries?limit=0")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }
}
