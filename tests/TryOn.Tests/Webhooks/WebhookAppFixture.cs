using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TryOn.Contracts;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Webhooks;

/// <summary>
/// The service with the mock engine, a fake domain clock (which deliveries schedule by), loopback endpoints allowed
/// (<c>Fetch:AllowPrivateNetworks</c>) and a short <c>Webhooks:CheckInterval</c>, so a delivery follows the fake clock,
/// plus a receiver to deliver to.
/// </summary>
public sealed class WebhookAppFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public TryOnApp App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public WebhookReceiver Receiver { get; private set; } = null!;

    public static Dictionary<string, string?> Settings => new()
    {
        ["Engines:MockDuration"] = "00:00:00.050",
        ["Fetch:AllowPrivateNetworks"] = "true",
        ["Webhooks:CheckInterval"] = "00:00:00.100",
    };

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        App = new TryOnApp(_directory.Path, Settings, services => services.AddKeyedSingleton<TimeProvider>(DomainClock.ServiceKey, Clock));
        Admin = App.CreateAdminClient();
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await App.DisposeAsync();
        await Receiver.DisposeAsync();
        _directory.Dispose();
    }

    public async Task<Merchant> MerchantAsync()
    {
        var account = await (await Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Shop", credits = 10 })).ShouldBeOkAsync(HttpStatusCode.Created);
        var accountId = account.GetProperty("accountId").GetString()!;
        var key = await (await Admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "k" })).ShouldBeOkAsync(HttpStatusCode.Created);
        return new Merchant(accountId, key.GetProperty("key").GetString()!, key.GetProperty("keyId").GetString()!, App.CreateMerchantClient(key.GetProperty("key").GetString()!));
    }
}

/// <summary>What the webhook tests do through the merchant API.</summary>
public static class WebhookCalls
{
    private static readonly byte[] Person = TestImages.Read("person-astronaut.png");

    /// <summary>Creates an endpoint and returns its id and secret.</summary>
    public static async Task<(string Id, string Secret)> CreateEndpointAsync(this HttpClient merchant, string url, params string[] events)
    {
        var created = await (await merchant.PostAsJsonAsync("/tryon/v1/webhook-endpoints", new { url, events })).ShouldBeOkAsync(HttpStatusCode.Created);
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    /// <summary>A try-on with the mock engine, waited for until it is <paramref name="status"/>; returns its GET answer.</summary>
    public static async Task<JsonElement> GenerateAsync(this HttpClient merchant, string status, string? productImageUrl = null)
    {
        using var garment = TestImages.Solid(200, 240, 30, 90, 200);
        var product = productImageUrl is null
            ? """{"title": "mock", "images": [{"fileKey": "garment"}]}"""
            : $$$"""{"title": "mock", "images": [{"url": "{{{productImageUrl}}}"}]}""";
        using var form = new MultipartFormDataContent
        {
            { new StringContent($$$"""{"product": {{{product}}}, "customer": {"fileKey": "selfie"}}"""), "data" },
        };
        form.Add(new ByteArrayContent(TestImages.Png(garment)), "garment", "garment.png");
        form.Add(new ByteArrayContent(Person), "selfie", "selfie.png");
        var started = await (await merchant.PostAsync("/tryon/v1/try-on", form)).ShouldBeOkAsync();
        var generationId = started.GetProperty("generationId").GetString()!;
        JsonElement generation = default;
        await Eventually.HoldsAsync(
            async () => (generation = await (await merchant.GetAsync($"/tryon/v1/generations/{generationId}")).ShouldBeOkAsync()).GetProperty("status").GetString() == status,
            TimeSpan.FromSeconds(30),
            $"generation {generationId} to be {status}");
        return generation;
    }

    public static async Task<JsonElement> DeliveriesAsync(this HttpClient merchant, string endpointId) =>
        (await (await merchant.GetAsync($"/tryon/v1/webhook-endpoints/{endpointId}/deliveries")).ShouldBeOkAsync()).GetProperty("items");

    /// <summary>The deliveries, or null while a long wait's polling has spent the account's read budget (429).</summary>
    private static async Task<JsonElement?> DeliveriesWhilePollingAsync(HttpClient merchant, string endpointId)
    {
        using var response = await merchant.GetAsync($"/tryon/v1/webhook-endpoints/{endpointId}/deliveries");
        return response.StatusCode == HttpStatusCode.TooManyRequests ? null : (await response.ShouldBeOkAsync()).GetProperty("items");
    }

    /// <summary>Waits until the endpoint's newest delivery satisfies <paramref name="condition"/>, and returns it.</summary>
    public static async Task<JsonElement> DeliveryWhenAsync(this HttpClient merchant, string endpointId, Func<JsonElement, bool> condition, string what)
    {
        JsonElement delivery = default;
        await Eventually.HoldsAsync(
            async () =>
            {
                var items = await DeliveriesWhilePollingAsync(merchant, endpointId);
                return items is { } listed && listed.GetArrayLength() > 0 && condition(delivery = listed[0]);
            },
            TimeSpan.FromSeconds(30),
            what);
        return delivery;
    }
}
