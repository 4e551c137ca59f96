using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Products;

/// <summary>URL images of products are fetched once, off the request, through the safe fetcher, and cached.</summary>
public sealed class ProductImageFetchTests : IAsyncLifetime
{
    private readonly TempDirectory _open = new();
    private readonly TempDirectory _closed = new();
    private LoopbackImageServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackImageServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _open.Dispose();
        _closed.Dispose();
    }

    private static async Task<JsonElement> WaitForImageAsync(HttpClient merchant, string externalId, Func<JsonElement, bool> done)
    {
        JsonElement image = default;
        await Eventually.HoldsAsync(
            async () =>
            {
                image = (await (await merchant.GetAsync($"/tryon/v1/products/{externalId}")).ShouldBeOkAsync()).GetProperty("images")[0];
                return done(image);
            },
            TimeSpan.FromSeconds(20),
            $"the image of {externalId} to be fetched and recorded");
        return image;
    }

    [Fact]
    public async Task Url_image_is_fetched_once_cached_and_classified()
    {
        await using var app = new TryOnApp(_open.Path, new Dictionary<string, string?> { ["Fetch:AllowPrivateNetworks"] = "true" });
        using var merchant = app.CreateMerchantClient(app.DevelopmentApiKeyAfterStart());

        await (await merchant.PostAsJsonAsync("/tryon/v1/products", new { externalId = "fetched-1", imageUrls = new[] { _server.Url("/image.png") } })).ShouldBeOkAsync();

        var image = await WaitForImageAsync(merchant, "fetched-1", image => image.GetProperty("classifications").TryGetProperty("on_model", out _));
        Assert.True(image.GetProperty("classifications").GetProperty("on_model").GetBoolean());
        Assert.Single(Directory.GetFiles(Path.Combine(_open.Path, "blobs", "acct_dev", "products")));
        Assert.Equal(1, _server.Requests);

        // Later updates, whether they leave the images out or send the same URLs again, fetch nothing again.
        var analyzer = app.Services.GetRequiredService<TryOn.Grains.Products.ProductImageAnalyzer>();
        var key = TryOn.Contracts.Products.ProductKeys.GrainKey("acct_dev", "fetched-1");
        await (await merchant.PostAsJsonAsync("/tryon/v1/products", new { externalId = "fetched-1", title = "Renamed" })).ShouldBeOkAsync();
        await analyzer.AnalyzeAsync(key, CancellationToken.None);
        var resent = await (await merchant.PostAsJsonAsync("/tryon/v1/products", new { externalId = "fetched-1", imageUrls = new[] { _server.Url("/image.png") } })).ShouldBeOkAsync();
        await analyzer.AnalyzeAsync(key, CancellationToken.None);
        Assert.Equal(1, _server.Requests);
        Assert.True(resent.GetProperty("images")[0].GetProperty("classifications").GetProperty("on_model").GetBoolean());
        Assert.Single(Directory.GetFiles(Path.Combine(_open.Path, "blobs", "acct_dev", "products")));
    }

    [Fact]
    public async Task Unreachable_image_leaves_the_product_usable()
    {
        await using var app = new TryOnApp(_open.Path, new Dictionary<string, string?> { ["Fetch:AllowPrivateNetworks"] = "true" });
        using var merchant = app.CreateMerchantClient(app.DevelopmentApiKeyAfterStart());

        await (await merchant.PostAsJsonAsync("/tryon/v1/products", new { externalId = "broken-1", imageUrls = new[] { _server.Url("/status/404") } })).ShouldBeOkAsync();

        await Eventually.HoldsAsync(async () => _server.Requests == 1, TimeSpan.FromSeconds(20), "the image URL to be requested");
        await (await merchant.GetAsync("/tryon/v1/products/broken-1")).ShouldBeOkAsync();
        Assert.False(Directory.Exists(Path.Combine(_open.Path, "blobs", "acct_dev", "products")));
    }

    [Fact]
    public async Task Product_image_urls_on_our_own_network_are_never_fetched()
    {
        using var internalHost = new CountingListener(IPAddress.Loopback);
        await using var app = new TryOnApp(_closed.Path);
        using var merchant = app.CreateMerchantClient(app.DevelopmentApiKeyAfterStart());

        await (await merchant.PostAsJsonAsync("/tryon/v1/products", new { externalId = "ssrf-1", imageUrls = new[] { $"http://127.0.0.1:{internalHost.Port}/admin.png", _server.Url("/image.png") } }))
            .ShouldBeOkAsync();

        var analyzer = app.Services.GetRequiredService<TryOn.Grains.Products.ProductImageAnalyzer>();
        await analyzer.AnalyzeAsync(TryOn.Contracts.Products.ProductKeys.GrainKey("acct_dev", "ssrf-1"), CancellationToken.None);
        Assert.Equal(0, internalHost.Connections);
        Assert.Equal(0, _server.Requests);
    }
}
