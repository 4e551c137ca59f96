using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TryOn.Tests.Infrastructure;
using TryOn.Tests.Privacy;

namespace TryOn.Tests.People;

/// <summary>
/// The person analysis as a merchant meets it: what an upload reports, <c>GET /tryon/v1/images/:imageId</c>, and the
/// try-ons refused (before any credit is held) for a photo without a usable person.
/// </summary>
public sealed class PersonAnalysisApiTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private static readonly byte[] Astronaut = TestImages.Read("person-astronaut.png");

    internal static async Task<JsonElement> UploadAsync(HttpClient client, byte[] photo, bool crop = true)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(photo);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(part, "file", "me.jpg");
        form.Add(new StringContent(crop ? "true" : "false"), "crop");
        return await (await client.PostAsync("/tryon/v1/images/upload", form)).ShouldBeOkAsync();
    }

    private static async Task<long> CreditsAsync(HttpClient client) =>
        (await (await client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync()).GetProperty("creditBalance").GetInt64();

    private static Task<HttpResponseMessage> TryOnByIdAsync(HttpClient client, string imageId) =>
        client.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = "tee-p" } },
            person = new { image = new { source = new { id = imageId } } },
        });

    [Fact]
    public async Task An_upload_reports_the_person_and_GET_image_returns_it_with_a_fresh_link()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var uploaded = await UploadAsync(merchant.Client, Astronaut);

        var person = uploaded.GetProperty("person");
        Assert.True(person.GetProperty("found").GetBoolean());
        Assert.Equal("upper_body", person.GetProperty("framing").GetString());
        Assert.True(person.GetProperty("facingCamera").GetBoolean());
        Assert.False(person.TryGetProperty("problem", out _));
        var box = person.GetProperty("box");
        var (width, height) = (uploaded.GetProperty("width").GetInt32(), uploaded.GetProperty("height").GetInt32());
        Assert.Equal((409, 512), (width, height));
        Assert.InRange(box.GetProperty("x").GetInt32(), 0, width / 4);
        Assert.InRange(box.GetProperty("y").GetInt32(), 0, height / 4);
        Assert.InRange(box.GetProperty("x").GetInt32() + box.GetProperty("width").GetInt32(), width * 3 / 4, width);
        Assert.InRange(box.GetProperty("height").GetInt32(), height * 3 / 4, height);

        var imageId = uploaded.GetProperty("imageId").GetString()!;
        var fetched = await (await merchant.Client.GetAsync($"/tryon/v1/images/{imageId}")).ShouldBeOkAsync();
        Assert.Equal(imageId, fetched.GetProperty("imageId").GetString());
        Assert.Equal(person.GetRawText(), fetched.GetProperty("person").GetRawText());
        Assert.Equal(uploaded.GetProperty("expiresAt").GetDateTimeOffset(), fetched.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.True(fetched.GetProperty("imageUrlExpiresAt").GetDateTimeOffset() >= uploaded.GetProperty("imageUrlExpiresAt").GetDateTimeOffset());
        var file = await fixture.Anonymous.GetAsync(fetched.GetProperty("imageUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(await (await fixture.Anonymous.GetAsync(uploaded.GetProperty("imageUrl").GetString())).Content.ReadAsByteArrayAsync(), await file.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task GET_image_is_403_for_another_accounts_image_and_404_for_an_unknown_one()
    {
        var owner = await fixture.CreateMerchantAsync();
        var other = await fixture.CreateMerchantAsync();
        var imageId = (await UploadAsync(owner.Client, Astronaut)).GetProperty("imageId").GetString()!;

        await (await other.Client.GetAsync($"/tryon/v1/images/{imageId}")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        await (await owner.Client.GetAsync("/tryon/v1/images/img_01jzzzzzzzzzzzzzzzzzzzzzzz")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "IMAGE_NOT_FOUND");
        await (await owner.Client.GetAsync("/tryon/v1/images/not-an-image-id")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "IMAGE_NOT_FOUND");
        await (await fixture.Anonymous.GetAsync($"/tryon/v1/images/{imageId}")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "MISSING_API_KEY");
    }

    [Fact]
    public async Task A_wall_uploads_with_PERSON_NOT_FOUND_and_its_try_on_is_refused_without_using_a_credit()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 3);
        await ShopperCalls.CreateProductAsync(merchant.Client, "tee-p");
        using var wall = NetVips.Image.Gaussnoise(900, 1100, mean: 200, sigma: 12);
        var uploaded = await UploadAsync(merchant.Client, TestImages.Jpeg(wall));

        var person = uploaded.GetProperty("person");
        Assert.False(person.GetProperty("found").GetBoolean());
        Assert.Equal("PERSON_NOT_FOUND", person.GetProperty("problem").GetString());
        Assert.False(person.TryGetProperty("box", out _));

        var refused = await TryOnByIdAsync(merchant.Client, uploaded.GetProperty("imageId").GetString()!);
        var envelope = await refused.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "PERSON_NOT_FOUND");
        Assert.Equal("no_person", envelope.GetProperty("details").GetProperty("reason").GetString());
        Assert.Equal(3, await CreditsAsync(merchant.Client));
        Assert.Equal(0, (await (await merchant.Client.GetAsync("/tryon/v1/generations")).ShouldBeOkAsync()).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_garment_photo_sent_with_the_try_on_is_PERSON_NOT_FOUND_without_using_a_credit()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 3);
        await ShopperCalls.CreateProductAsync(merchant.Client, "tee-p");
        MultipartFormDataContent GarmentForm()
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent("""{"products": [{"externalId": "tee-p"}], "person": {"image": {"source": {"fileKey": "selfie"}}}}"""), "data" },
            };
            form.Add(new ByteArrayContent(TestImages.GarmentFlatLay()), "selfie", "selfie.jpg");
            return form;
        }

        using var asynchronous = GarmentForm();
        await (await merchant.Client.PostAsync("/tryon/v1/try-on", asynchronous)).ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "PERSON_NOT_FOUND");
        using var synchronous = GarmentForm();
        await (await merchant.Client.PostAsync("/tryon/v1/try-on/sync", synchronous)).ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "PERSON_NOT_FOUND");
        Assert.Equal(3, await CreditsAsync(merchant.Client));
    }

    [Fact]
    public async Task A_person_under_a_fifth_of_the_height_is_PERSON_TOO_SMALL_and_a_usable_photo_is_accepted()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 3);
        await ShopperCalls.CreateProductAsync(merchant.Client, "tee-p");
        var small = await UploadAsync(merchant.Client, TestImages.PersonOn(1200, 1200, 200, 500, 700), crop: false);
        Assert.True(small.GetProperty("person").GetProperty("found").GetBoolean());
        Assert.Equal("PERSON_TOO_SMALL", small.GetProperty("person").GetProperty("problem").GetString());

        var refused = await TryOnByIdAsync(merchant.Client, small.GetProperty("imageId").GetString()!);
        var details = (await refused.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "PERSON_TOO_SMALL")).GetProperty("details");
        Assert.InRange(details.GetProperty("heightFraction").GetDouble(), 0.1, 0.2);
        Assert.Equal(0.2, details.GetProperty("minimum").GetDouble());
        Assert.Equal(3, await CreditsAsync(merchant.Client));

        var usable = await UploadAsync(merchant.Client, Astronaut);
        var generationId = (await (await TryOnByIdAsync(merchant.Client, usable.GetProperty("imageId").GetString()!)).ShouldBeOkAsync()).GetProperty("generationId").GetString()!;
        await ShopperCalls.PollAsync(merchant.Client, generationId, "COMPLETED");
        Assert.Equal(2, await CreditsAsync(merchant.Client));
    }

    [Fact]
    public async Task A_pose_the_engine_cannot_dress_is_POSE_NOT_SUPPORTED_without_using_a_credit()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 3);
        await ShopperCalls.CreateProductAsync(merchant.Client, "jeans-p", title: "Jeans", category: "bottoms");
        var upperBody = await UploadAsync(merchant.Client, Astronaut);
        var refused = await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = "jeans-p" } },
            person = new { image = new { source = new { id = upperBody.GetProperty("imageId").GetString() } } },
        });
        var envelope = await refused.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "POSE_NOT_SUPPORTED");
        Assert.Equal("hips_not_visible", envelope.GetProperty("details").GetProperty("reason").GetString());
        Assert.Contains("full-length photo", envelope.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, await CreditsAsync(merchant.Client));
    }

    [Fact]
    public async Task A_garment_the_engine_cannot_read_fails_the_generation_with_the_reason_and_what_to_try()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 3);

        // A photo that is all garment, edge to edge: no outline to find shoulders and armpits on.
        await ShopperCalls.CreateProductAsync(merchant.Client, "swatch-p", title: "Swatch");
        var usable = await UploadAsync(merchant.Client, Astronaut);
        var generationId = await ShopperCalls.TryOnAsync(merchant.Client, "swatch-p", usable.GetProperty("imageId").GetString()!);
        var failed = await ShopperCalls.PollAsync(merchant.Client, generationId, "FAILED");
        Assert.Equal("GENERATION_FAILED", failed.GetProperty("errorCode").GetString());
        Assert.Contains("flat-lay photo of the garment alone", failed.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flat_lay_tee_on_the_test_photo_completes_at_the_stored_photo_size()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 3);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("""{"externalId": "striped-tee", "title": "Striped tee", "category": "tops", "images": [{"source": {"fileKey": "g"}, "classifications": {"flat_lay": true}}]}"""), "data" },
        };
        form.Add(new ByteArrayContent(TestGarments.TShirt()), "g", "tee.jpg");
        await (await merchant.Client.PostAsync("/tryon/v1/products", form)).ShouldBeOkAsync();
        var usable = await UploadAsync(merchant.Client, TestImages.PersonOn(1600, 2000, 1400, 100, 400));
        var generationId = await ShopperCalls.TryOnAsync(merchant.Client, "striped-tee", usable.GetProperty("imageId").GetString()!);
        var completed = await ShopperCalls.PollAsync(merchant.Client, generationId, "COMPLETED");
        var bytes = await (await merchant.Client.GetAsync(completed.GetProperty("resultImageUrl").GetString())).Content.ReadAsByteArrayAsync();
        using var result = NetVips.Image.NewFromBuffer(bytes);
        Assert.Equal((usable.GetProperty("width").GetInt32(), usable.GetProperty("height").GetInt32()), (result.Width, result.Height));
        Assert.Equal(2, await CreditsAsync(merchant.Client));
    }

    [Fact]
    public async Task A_product_photographed_on_a_model_is_tried_on()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 3);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("""{"externalId": "tux-p", "title": "Tuxedo jacket", "category": "outerwear", "images": [{"source": {"fileKey": "g"}, "classifications": {"on_model": true, "flat_lay": false}}]}"""), "data" },
        };
        form.Add(new ByteArrayContent(TestImages.Read("person-groom-clipart.png")), "g", "tux.png");
        await (await merchant.Client.PostAsync("/tryon/v1/products", form)).ShouldBeOkAsync();
        var usable = await UploadAsync(merchant.Client, Astronaut);
        var generationId = await ShopperCalls.TryOnAsync(merchant.Client, "tux-p", usable.GetProperty("imageId").GetString()!);
        await ShopperCalls.PollAsync(merchant.Client, generationId, "COMPLETED");
        Assert.Equal(2, await CreditsAsync(merchant.Client));
    }

    [Fact]
    public async Task A_category_no_engine_dresses_is_CATEGORY_NOT_SUPPORTED_without_using_a_credit()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 3);
        await ShopperCalls.CreateProductAsync(merchant.Client, "glasses-p", title: "Glasses", category: "eyewear");
        var usable = await UploadAsync(merchant.Client, Astronaut);
        var refused = await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = "glasses-p" } },
            person = new { image = new { source = new { id = usable.GetProperty("imageId").GetString() } } },
        });
        var details = (await refused.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "CATEGORY_NOT_SUPPORTED")).GetProperty("details");
        Assert.Equal("eyewear", details.GetProperty("category").GetString());
        Assert.Contains("tops", details.GetProperty("supported").EnumerateArray().Select(item => item.GetString()));
        Assert.Equal(3, await CreditsAsync(merchant.Client));
    }
}
