using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts.Products;
using TryOn.Grains.Products;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Products;

/// <summary>The products API (docs/products.md) over a real socket.</summary>
public sealed class ProductsApiTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private static object Shirt(string externalId) => new
    {
        externalId,
        title = "Red tee",
        description = "Soft cotton, regular fit",
        images = new[] { new { source = new { url = "https://198.51.100.7/tees/red-back.jpg" }, classifications = new { flat_lay = true } } },
        metadata = new { sku = 42, tags = new[] { "summer" } },
    };

    [Fact]
    public async Task Create_returns_the_product_with_derived_category_and_classifications()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var product = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/products", Shirt("shirt-1"))).ShouldBeOkAsync();

        Assert.Equal("shirt-1", product.GetProperty("externalId").GetString());
        Assert.Equal("tops", product.GetProperty("category").GetString());
        var image = product.GetProperty("images")[0];
        Assert.Equal("https://198.51.100.7/tees/red-back.jpg", image.GetProperty("sourceUrl").GetString());
        Assert.Equal(0, image.GetProperty("order").GetInt32());
        Assert.True(image.GetProperty("classifications").GetProperty("flat_lay").GetBoolean());
        Assert.True(image.GetProperty("classifications").GetProperty("back").GetBoolean());
        Assert.Equal(42, product.GetProperty("metadata").GetProperty("sku").GetInt32());
        Assert.Equal(JsonValueKind.Null, product.GetProperty("validForDays").ValueKind);
        Assert.Equal(JsonValueKind.Null, product.GetProperty("expiresAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, product.GetProperty("lastUsedAt").ValueKind);
    }

    [Fact]
    public async Task Partial_update_keeps_omitted_fields_and_images_replace_the_list()
    {
        var merchant = await fixture.CreateMerchantAsync();
        await (await merchant.Client.PostAsJsonAsync("/tryon/v1/products", Shirt("shirt-2"))).ShouldBeOkAsync();

        var retitled = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/products", new { externalId = "shirt-2", title = "Blue tee" })).ShouldBeOkAsync();
        Assert.Equal("Blue tee", retitled.GetProperty("title").GetString());
        Assert.Equal("Soft cotton, regular fit", retitled.GetProperty("description").GetString());
        Assert.Single(retitled.GetProperty("images").EnumerateArray());
        Assert.Equal(42, retitled.GetProperty("metadata").GetProperty("sku").GetInt32());

        var replaced = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/products", new
        {
            externalId = "shirt-2",
            imageUrls = new[] { "https://198.51.100.7/a.jpg", "https://198.51.100.7/b.jpg" },
            metadata = (object?)null,
        })).ShouldBeOkAsync();
        Assert.Equal(["https://198.51.100.7/a.jpg", "https://198.51.100.7/b.jpg"], replaced.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("sourceUrl").GetString()));
        Assert.Equal([0, 1], replaced.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("order").GetInt32()));
        Assert.Equal(JsonValueKind.Null, replaced.GetProperty("metadata").ValueKind);
    }

    [Fact]
    public async Task Valid_for_days_sets_an_expiry_and_null_switches_back_to_forever()
    {
        var merchant = await fixture.CreateMerchantAsync();
        await (await merchant.Client.PostAsJsonAsync("/tryon/v1/products", Shirt("shirt-3"))).ShouldBeOkAsync();

        var limited = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/products", new { externalId = "shirt-3", validForDays = 30 })).ShouldBeOkAsync();
        Assert.Equal(30, limited.GetProperty("validForDays").GetInt32());
        Assert.InRange(limited.GetProperty("expiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddDays(30).AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30).AddMinutes(5));

        var kept = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/products", new { externalId = "shirt-3", title = "Still limited" })).ShouldBeOkAsync();
        Assert.Equal(30, kept.GetProperty("validForDays").GetInt32());

        var forever = await (await merchant.Client.PostRawAsync("/tryon/v1/products", """{"externalId": "shirt-3", "validForDays": null}""")).ShouldBeOkAsync();
        Assert.Equal(JsonValueKind.Null, forever.GetProperty("validForDays").ValueKind);
        Assert.Equal(JsonValueKind.Null, forever.GetProperty("expiresAt").ValueKind);
    }

    [Theory]
    [InlineData("""{"title": "no id", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}}]}""", HttpStatusCode.BadRequest, "EXTERNAL_ID_REQUIRED")]
    [InlineData("""{"externalId": "", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}}]}""", HttpStatusCode.BadRequest, "EXTERNAL_ID_REQUIRED")]
    [InlineData("""{"externalId": "_anon_mine", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}}]}""", HttpStatusCode.Conflict, "RESERVED_EXTERNAL_ID")]
    [InlineData("""{"externalId": "brand-new"}""", HttpStatusCode.BadRequest, "PRODUCT_IMAGES_REQUIRED")]
    [InlineData("""{"externalId": "brand-new", "images": []}""", HttpStatusCode.BadRequest, "PRODUCT_IMAGES_REQUIRED")]
    [InlineData("""{"externalId": "brand-new", "images": [{"source": {}}]}""", HttpStatusCode.BadRequest, "INVALID_IMAGE_INPUT")]
    [InlineData("""{"externalId": "brand-new", "images": [{"classifications": {"front": true}}]}""", HttpStatusCode.BadRequest, "INVALID_IMAGE_INPUT")]
    [InlineData("""{"externalId": "brand-new", "images": [{"source": {"fileKey": "front"}}]}""", HttpStatusCode.BadRequest, "MULTIPART_FILE_NOT_FOUND")]
    [InlineData("""["not", "an", "object"]""", HttpStatusCode.BadRequest, "VALIDATION_FAILED")]
    [InlineData("""{"externalId": "x", """, HttpStatusCode.BadRequest, "INVALID_JSON")]
    public async Task Bad_products_get_their_catalogue_code(string body, HttpStatusCode status, string code)
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await merchant.Client.PostRawAsync("/tryon/v1/products", body);
        await response.ShouldBeErrorAsync(status, code);
    }

    [Theory]
    [InlineData("""{"externalId": "p", "validForDays": "30"}""", "validForDays")]
    [InlineData("""{"externalId": "p", "validForDays": 0}""", "validForDays")]
    [InlineData("""{"externalId": "p", "validForDays": 366}""", "validForDays")]
    [InlineData("""{"externalId": "p", "title": 5}""", "title")]
    [InlineData("""{"externalId": "has space"}""", "externalId")]
    [InlineData("""{"externalId": "a/b"}""", "externalId")]
    [InlineData("""{"externalId": "p", "category": "spaceship"}""", "category")]
    [InlineData("""{"externalId": "p", "images": [{"source": {"url": "ftp://198.51.100.8/a.jpg"}}]}""", "images.0.source.url")]
    [InlineData("""{"externalId": "p", "images": [{"source": {"url": "file:///etc/passwd"}}]}""", "images.0.source.url")]
    [InlineData("""{"externalId": "p", "images": [{"source": {"url": "https://u:p@198.51.100.8/a.jpg"}}]}""", "images.0.source.url")]
    [InlineData("""{"externalId": "p", "images": [{"source": {"url": "https://198.51.100.8/a.jpg", "fileKey": "f"}}]}""", "images.0.source")]
    [InlineData("""{"externalId": "p", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}, "classifications": {"sideways": true}}]}""", "images.0.classifications.sideways")]
    [InlineData("""{"externalId": "p", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}, "classifications": {"front": "yes"}}]}""", "images.0.classifications.front")]
    [InlineData("""{"externalId": "p", "images": [{"source": {"url": "https://198.51.100.8/a.jpg"}}], "imageUrls": ["https://198.51.100.8/b.jpg"]}""", "imageUrls")]
    [InlineData("""{"externalId": "p", "imageUrls": ["not a url"]}""", "imageUrls.0")]
    public async Task Invalid_fields_are_VALIDATION_FAILED_with_their_path(string body, string path)
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await merchant.Client.PostRawAsync("/tryon/v1/products", body);
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Contains(envelope.GetProperty("details").EnumerateArray(), detail => detail.GetProperty("path").GetString() == path);
    }

    [Fact]
    public async Task Huge_description_is_VALIDATION_FAILED_and_a_huge_body_PAYLOAD_TOO_LARGE()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var long_ = await merchant.Client.PostAsJsonAsync("/tryon/v1/products", new { externalId = "p", description = new string('d', 6000) });
        var envelope = await long_.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("description", envelope.GetProperty("details")[0].GetProperty("path").GetString());

        var huge = await merchant.Client.PostAsJsonAsync("/tryon/v1/products", new { externalId = "p", description = new string('d', 2 * 1024 * 1024) });
        await huge.ShouldBeErrorAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Multipart_product_stores_uploaded_images_as_upload_references()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var form = Multipart("""{"externalId": "jacket-1", "title": "Denim jacket", "images": [{"source": {"fileKey": "front"}}, {"source": {"url": "https://198.51.100.7/j-front.jpg"}}]}""",
            ("front", "jacket-back.png", TestImages.Read("person-astronaut.png")));

        var product = await (await merchant.Client.PostAsync("/tryon/v1/products", form)).ShouldBeOkAsync();

        Assert.Equal("outerwear", product.GetProperty("category").GetString());
        var uploaded = product.GetProperty("images")[0];
        Assert.StartsWith("upload://pimg_", uploaded.GetProperty("sourceUrl").GetString(), StringComparison.Ordinal);
        var detected = uploaded.GetProperty("classifications");
        Assert.True(detected.GetProperty("on_model").GetBoolean());
        Assert.True(detected.GetProperty("back").GetBoolean());
        Assert.True(product.GetProperty("images")[1].GetProperty("classifications").GetProperty("front").GetBoolean());
        Assert.Single(Directory.GetFiles(Path.Combine(fixture.App.DataDirectory, "blobs", merchant.AccountId, "products")));
    }

    [Fact]
    public async Task Multipart_errors_name_the_part()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var missing = Multipart("""{"externalId": "p", "images": [{"source": {"fileKey": "front"}}]}""", ("other", "x.png", TestImages.Read("person-astronaut.png")));
        await (await merchant.Client.PostAsync("/tryon/v1/products", missing)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "MULTIPART_FILE_NOT_FOUND");

        using var gif = Multipart("""{"externalId": "p", "images": [{"source": {"fileKey": "front"}}]}""", ("front", "x.jpg", TestImages.Gif().Concat(new byte[64]).ToArray()));
        var envelope = await (await merchant.Client.PostAsync("/tryon/v1/products", gif)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "UNSUPPORTED_IMAGE_TYPE");
        Assert.Contains("'front'", envelope.GetProperty("message").GetString(), StringComparison.Ordinal);

        using var noData = Multipart(null, ("front", "x.png", TestImages.Read("person-astronaut.png")));
        var noDataEnvelope = await (await merchant.Client.PostAsync("/tryon/v1/products", noData)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("data", noDataEnvelope.GetProperty("details")[0].GetProperty("path").GetString());

        using var badJson = Multipart("{not json", ("front", "x.png", TestImages.Read("person-astronaut.png")));
        await (await merchant.Client.PostAsync("/tryon/v1/products", badJson)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "INVALID_JSON");
        Assert.False(Directory.Exists(Path.Combine(fixture.App.DataDirectory, "blobs", merchant.AccountId)));
    }

    [Fact]
    public async Task List_pages_newest_first_and_never_shows_one_shots()
    {
        var merchant = await fixture.CreateMerchantAsync();
        foreach (var id in new[] { "list-a", "list-b", "list-c" })
        {
            await (await merchant.Client.PostAsJsonAsync("/tryon/v1/products", Shirt(id))).ShouldBeOkAsync();
        }

        var grains = fixture.App.Services.GetRequiredService<IGrainFactory>();
        var oneShot = await grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(merchant.AccountId, "_anon_01test")).UpsertAsync(new ProductUpsert(
            ProductKind.OneShot, "One-off", null, [new ProductImageInput("https://198.51.100.8/a.jpg", null, null, [], [])], null, false, null, false, null));
        Assert.Equal(7, oneShot.Product!.ValidForDays);

        var first = await (await merchant.Client.GetAsync("/tryon/v1/products?limit=2")).ShouldBeOkAsync();
        Assert.Equal(["list-c", "list-b"], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("externalId").GetString()));
        Assert.True(first.GetProperty("hasMore").GetBoolean());
        var second = await (await merchant.Client.GetAsync($"/tryon/v1/products?limit=2&cursor={first.GetProperty("nextCursor").GetString()}")).ShouldBeOkAsync();
        Assert.Equal(["list-a"], second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("externalId").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var anonymous = await (await merchant.Client.GetAsync("/tryon/v1/products/_anon_01test")).ShouldBeOkAsync();
        Assert.Equal("One-off", anonymous.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Products_belong_to_their_account()
    {
        var owner = await fixture.CreateMerchantAsync();
        var other = await fixture.CreateMerchantAsync();
        await (await owner.Client.PostAsJsonAsync("/tryon/v1/products", Shirt("private-1"))).ShouldBeOkAsync();

        await (await other.Client.GetAsync("/tryon/v1/products/private-1")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        await (await other.Client.DeleteAsync("/tryon/v1/products/private-1")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        var list = await (await other.Client.GetAsync("/tryon/v1/products")).ShouldBeOkAsync();
        Assert.Equal(0, list.GetProperty("count").GetInt32());
        await (await owner.Client.GetAsync("/tryon/v1/products/private-1")).ShouldBeOkAsync();
    }

    [Fact]
    public async Task Delete_removes_the_product_and_its_stored_images()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var form = Multipart("""{"externalId": "gone-1", "images": [{"source": {"fileKey": "f"}}]}""", ("f", "f.png", TestImages.Read("person-astronaut.png")));
        await (await merchant.Client.PostAsync("/tryon/v1/products", form)).ShouldBeOkAsync();
        var folder = Path.Combine(fixture.App.DataDirectory, "blobs", merchant.AccountId, "products");
        Assert.Single(Directory.GetFiles(folder));

        Assert.Equal(HttpStatusCode.NoContent, (await merchant.Client.DeleteAsync("/tryon/v1/products/gone-1")).StatusCode);

        Assert.Empty(Directory.GetFiles(folder));
        await (await merchant.Client.GetAsync("/tryon/v1/products/gone-1")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        await (await merchant.Client.DeleteAsync("/tryon/v1/products/gone-1")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        var list = await (await merchant.Client.GetAsync("/tryon/v1/products")).ShouldBeOkAsync();
        Assert.Equal(0, list.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Replacing_uploaded_images_deletes_the_old_files()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var form = Multipart("""{"externalId": "swap-1", "images": [{"source": {"fileKey": "f"}}]}""", ("f", "f.png", TestImages.Read("person-astronaut.png")));
        await (await merchant.Client.PostAsync("/tryon/v1/products", form)).ShouldBeOkAsync();
        await (await merchant.Client.PostAsJsonAsync("/tryon/v1/products", new { externalId = "swap-1", imageUrls = new[] { "https://198.51.100.7/new.jpg" } })).ShouldBeOkAsync();
        Assert.Empty(Directory.GetFiles(Path.Combine(fixture.App.DataDirectory, "blobs", merchant.AccountId, "products")));
    }

    [Fact]
    public async Task Wrong_content_type_is_UNSUPPORTED_MEDIA_TYPE()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await merchant.Client.PostRawAsync("/tryon/v1/products", "externalId=x", "application/x-www-form-urlencoded");
        await response.ShouldBeErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    private static MultipartFormDataContent Multipart(string? data, params (string Name, string FileName, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        if (data is not null)
        {
            form.Add(new StringContent(data), "data");
        }

        foreach (var (name, fileName, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, name, fileName);
        }

        return form;
    }
}
