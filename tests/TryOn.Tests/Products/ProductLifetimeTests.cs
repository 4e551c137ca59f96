using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TryOn.Contracts;
using TryOn.Contracts.Images;
using TryOn.Contracts.Paging;
using TryOn.Contracts.Products;
using TryOn.Grains.Hosting;
using TryOn.Grains.Images;
using TryOn.Grains.Privacy;
using TryOn.Grains.Products;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Products;

/// <summary>Lifetimes of products and uploads, with the domain clock faked (Orleans keeps its own clock).</summary>
public sealed class ProductLifetimeTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TryOnApp _app = null!;
    private HttpClient _merchant = null!;

    public Task InitializeAsync()
    {
        _app = new TryOnApp(_directory.Path, replaceServices: services => services.AddKeyedSingleton<TimeProvider>(DomainClock.ServiceKey, _clock));
        _merchant = _app.CreateMerchantClient(_app.DevelopmentApiKeyAfterStart());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _merchant.Dispose();
        await _app.DisposeAsync();
        _directory.Dispose();
    }

    private string ProductFolder => Path.Combine(_directory.Path, "blobs", "acct_dev", "products");

    private async Task CreateWithUploadAsync(string externalId, int? validForDays)
    {
        using var form = new MultipartFormDataContent();
        var data = validForDays is null
            ? $$$"""{"externalId": "{{{externalId}}}", "images": [{"source": {"fileKey": "f"}}]}"""
            : $$$"""{"externalId": "{{{externalId}}}", "validForDays": {{{validForDays}}}, "images": [{"source": {"fileKey": "f"}}]}""";
        form.Add(new StringContent(data), "data");
        var part = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "f", "f.png");
        await (await _merchant.PostAsync("/tryon/v1/products", form)).ShouldBeOkAsync();
    }

    [Fact]
    public async Task Expired_product_disappears_and_its_images_are_deleted_when_next_asked_for()
    {
        await CreateWithUploadAsync("short-lived", validForDays: 1);
        Assert.Single(Directory.GetFiles(ProductFolder));

        _clock.Advance(TimeSpan.FromHours(23));
        await (await _merchant.GetAsync("/tryon/v1/products/short-lived")).ShouldBeOkAsync();

        _clock.Advance(TimeSpan.FromHours(2));
        await (await _merchant.GetAsync("/tryon/v1/products/short-lived")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        Assert.Empty(Directory.GetFiles(ProductFolder));
    }

    [Fact]
    public async Task The_sweep_purges_expired_products_through_the_expiry_index()
    {
        await CreateWithUploadAsync("swept", validForDays: 3);
        await CreateWithUploadAsync("kept-forever", validForDays: null);
        var sweeper = _app.Services.GetRequiredService<RetentionSweeper>();
        Assert.Equal(0, (await sweeper.SweepAsync()).Products);

        _clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        var listed = await (await _merchant.GetAsync("/tryon/v1/products")).ShouldBeOkAsync();
        Assert.Equal(["kept-forever"], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("externalId").GetString()));

        Assert.Equal(1, (await sweeper.SweepAsync()).Products);
        Assert.Single(Directory.GetFiles(ProductFolder));
        Assert.Empty((await _app.Services.GetRequiredService<IProductReadModel>().ListExpiredAsync(_clock.GetUtcNow(), new PageRequest(null, 10))).Items);
        Assert.Equal(0, (await sweeper.SweepAsync()).Products);

        _clock.Advance(TimeSpan.FromDays(1000));
        await (await _merchant.GetAsync("/tryon/v1/products/kept-forever")).ShouldBeOkAsync();
    }

    [Fact]
    public async Task An_update_restarts_the_lifetime()
    {
        await (await _merchant.PostAsJsonAsync("/tryon/v1/products", new { externalId = "renewed", validForDays = 2, imageUrls = new[] { "https://198.51.100.8/a.jpg" } })).ShouldBeOkAsync();
        _clock.Advance(TimeSpan.FromDays(1.5));
        await (await _merchant.PostAsJsonAsync("/tryon/v1/products", new { externalId = "renewed", title = "touched" })).ShouldBeOkAsync();
        _clock.Advance(TimeSpan.FromDays(1.5));
        await (await _merchant.GetAsync("/tryon/v1/products/renewed")).ShouldBeOkAsync();
    }

    [Fact]
    public async Task An_expired_product_id_can_be_created_again_as_new()
    {
        await (await _merchant.PostAsJsonAsync("/tryon/v1/products", new { externalId = "again", validForDays = 1, imageUrls = new[] { "https://198.51.100.8/a.jpg" } })).ShouldBeOkAsync();
        _clock.Advance(TimeSpan.FromDays(2));
        await (await _merchant.PostAsJsonAsync("/tryon/v1/products", new { externalId = "again", title = "no images" })).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "PRODUCT_IMAGES_REQUIRED");
        var recreated = await (await _merchant.PostAsJsonAsync("/tryon/v1/products", new { externalId = "again", imageUrls = new[] { "https://198.51.100.8/b.jpg" } })).ShouldBeOkAsync();
        Assert.Equal(_clock.GetUtcNow(), recreated.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Uploaded_image_stops_working_when_its_retention_ends()
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "file", "me.png");
        form.Add(new StringContent("1"), "keepForDays");
        var uploaded = await (await _merchant.PostAsync("/tryon/v1/images/upload", form)).ShouldBeOkAsync();
        var image = _app.Services.GetRequiredService<IGrainFactory>().GetGrain<IImageGrain>(uploaded.GetProperty("imageId").GetString()!);

        _clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(ImageLookupStatus.Found, (await image.FindAsync("acct_dev")).Status);
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(ImageLookupStatus.NotFound, (await image.FindAsync("acct_dev")).Status);
    }

    [Fact]
    public async Task A_use_within_a_minute_of_the_recorded_one_writes_nothing_and_a_later_one_renews_the_lifetime()
    {
        await (await _merchant.PostAsJsonAsync("/tryon/v1/products", new { externalId = "busy", validForDays = 1, imageUrls = new[] { "https://198.51.100.8/a.jpg" } })).ShouldBeOkAsync();
        var product = _app.Services.GetRequiredService<IGrainFactory>().GetGrain<IProductGrain>(ProductKeys.GrainKey("acct_dev", "busy"));
        Assert.True(await product.RecordUseAsync());
        var first = (await product.GetAsync())!;

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.True(await product.RecordUseAsync());
        var throttled = (await product.GetAsync())!;
        Assert.Equal(first.Version, throttled.Version);
        Assert.Equal(first.LastUsedAt, throttled.LastUsedAt);

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await product.RecordUseAsync());
        var renewed = (await product.GetAsync())!;
        Assert.Equal(_clock.GetUtcNow(), renewed.LastUsedAt);
        Assert.Equal(_clock.GetUtcNow().AddDays(1), renewed.ExpiresAt);
        Assert.True(renewed.Version > first.Version);
    }
}
