using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetVips;
using TryOn.Grains.Engines;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Generations;

/// <summary>The service with a fast mock engine and a gated engine for "tops" that needs flat-lay images.</summary>
public sealed class TryOnAppFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public GatedEngine Gate { get; } = new();

    public TryOnApp App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>The service's blob files, as the file-system store keeps them.</summary>
    public string BlobsDirectory => Path.Combine(_directory.Path, "blobs");

    public Task InitializeAsync()
    {
        Gate.Open();
        App = new TryOnApp(
            _directory.Path,
            new Dictionary<string, string?> { ["Engines:MockDuration"] = "00:00:00.050", ["TryOn:SyncWait"] = "00:00:02" },
            services => services.AddSingleton<ITryOnEngine>(Gate));
        Admin = App.CreateAdminClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Gate.Open();
        Admin.Dispose();
        await App.DisposeAsync();
        _directory.Dispose();
    }

    public async Task<Merchant> MerchantAsync(long credits = 10, int maxInFlight = 20, int writesPerMinute = 100, int monthlyGenerations = 0)
    {
        var limits = new { maxInFlightGenerations = maxInFlight, writesPerMinute, monthlyGenerations };
        var account = await (await Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Shop", credits, limits }))
            .ShouldBeOkAsync(HttpStatusCode.Created);
        var accountId = account.GetProperty("accountId").GetString()!;
        var key = await (await Admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "k" })).ShouldBeOkAsync(HttpStatusCode.Created);
        return new Merchant(accountId, key.GetProperty("key").GetString()!, key.GetProperty("keyId").GetString()!, App.CreateMerchantClient(key.GetProperty("key").GetString()!));
    }
}

/// <summary><c>POST /try-on</c> in every shape and <c>GET /generations/:id</c>, with credits checked after each answer.</summary>
public sealed class TryOnApiTests(TryOnAppFixture fixture) : IClassFixture<TryOnAppFixture>
{
    private static readonly byte[] Person = TestImages.Read("person-astronaut.png");

    private static async Task<string> UploadAsync(HttpClient client)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(Person);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "file", "me.png");
        return (await (await client.PostAsync("/tryon/v1/images/upload", form)).ShouldBeOkAsync()).GetProperty("imageId").GetString()!;
    }

    private static async Task CreateProductAsync(HttpClient client, string externalId, string title, bool flatLay = true)
    {
        using var garment = TestImages.Solid(200, 240, 30, 90, 200);
        using var form = new MultipartFormDataContent
        {
            { new StringContent($$$$"""{"externalId": "{{{{externalId}}}}", "title": "{{{{title}}}}", "category": "tops", "images": [{"source": {"fileKey": "g"}, "classifications": {"flat_lay": {{{{(flatLay ? "true" : "false")}}}}}}]}"""), "data" },
        };
        form.Add(new ByteArrayContent(TestImages.Png(garment)), "g", "g.png");
        await (await client.PostAsync("/tryon/v1/products", form)).ShouldBeOkAsync();
    }

    private static async Task<JsonElement> PollAsync(HttpClient client, string generationId, string status)
    {
        JsonElement generation = default;
        await Eventually.HoldsAsync(
            async () => (generation = await (await client.GetAsync($"/tryon/v1/generations/{generationId}")).ShouldBeOkAsync()).GetProperty("status").GetString() == status,
            TimeSpan.FromSeconds(20),
            $"generation {generationId} to be {status}");
        return generation;
    }

    private static async Task<(long Balance, long Reserved)> CreditsAsync(HttpClient client)
    {
        var credits = await (await client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        return (credits.GetProperty("creditBalance").GetInt64(), credits.GetProperty("reserved").GetInt64());
    }

    [Fact]
    public async Task Canonical_request_completes_serves_its_result_and_charges_one_credit()
    {
        var merchant = await fixture.MerchantAsync(credits: 3);
        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "mock-1", "mock");

        var started = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = "mock-1" } },
            person = new { image = new { source = new { id = imageId } } },
            externalUserId = "u-77",
            output = new { watermark = false, keepForDays = 3 },
        })).ShouldBeOkAsync();

        Assert.Equal("PENDING", started.GetProperty("status").GetString());
        Assert.Equal("mock-1", started.GetProperty("productExternalId").GetString());
        var generationId = started.GetProperty("generationId").GetString()!;
        Assert.StartsWith("gen_", generationId, StringComparison.Ordinal);

        var done = await PollAsync(merchant.Client, generationId, "COMPLETED");
        Assert.Equal(1, done.GetProperty("progress").GetDouble());
        Assert.False(done.TryGetProperty("errorCode", out _));
        var result = await fixture.App.CreateHttpClient().GetAsync(done.GetProperty("resultImageUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal("image/jpeg", result.Content.Headers.ContentType?.MediaType);
        await Eventually.HoldsAsync(async () => await CreditsAsync(merchant.Client) == (2, 0), TimeSpan.FromSeconds(10), "one credit to be charged");

        var product = await (await merchant.Client.GetAsync("/tryon/v1/products/mock-1")).ShouldBeOkAsync();
        Assert.NotEqual(JsonValueKind.Null, product.GetProperty("lastUsedAt").ValueKind);
    }

    [Fact]
    public async Task A_product_whose_image_url_cannot_be_fetched_says_why_and_its_try_on_fails_with_PRODUCT_IMAGE_FETCH_FAILED()
    {
        var merchant = await fixture.MerchantAsync(credits: 3);
        var imageId = await UploadAsync(merchant.Client);

        // A documentation address, which the fetcher refuses to reach: the background fetch records why.
        await (await merchant.Client.PostAsJsonAsync("/tryon/v1/products", new
        {
            externalId = "unfetchable",
            title = "Tee",
            category = "tops",
            images = new[] { new { source = new { url = "https://198.51.100.9/tee.png" } } },
        })).ShouldBeOkAsync();
        JsonElement product = default;
        await Eventually.HoldsAsync(
            async () => (product = await (await merchant.Client.GetAsync("/tryon/v1/products/unfetchable")).ShouldBeOkAsync())
                .GetProperty("images")[0].TryGetProperty("fetchFailure", out _),
            TimeSpan.FromSeconds(20),
            "the product image's fetch to fail");
        Assert.Equal("BlockedAddress", product.GetProperty("images")[0].GetProperty("fetchFailure").GetString());

        var started = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = "unfetchable" } },
            person = new { image = new { source = new { id = imageId } } },
        })).ShouldBeOkAsync();
        var failed = await PollAsync(merchant.Client, started.GetProperty("generationId").GetString()!, "FAILED");
        Assert.Equal("PRODUCT_IMAGE_FETCH_FAILED", failed.GetProperty("errorCode").GetString());
        Assert.Contains("may not reach", failed.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal((3, 0), await CreditsAsync(merchant.Client));

        // A product whose images load has no fetchFailure at all.
        await CreateProductAsync(merchant.Client, "fetchable", "Tee");
        Assert.False((await (await merchant.Client.GetAsync("/tryon/v1/products/fetchable")).ShouldBeOkAsync()).GetProperty("images")[0].TryGetProperty("fetchFailure", out _));
    }

    [Fact]
    public async Task Deprecated_one_point_zero_multipart_shape_is_accepted()
    {
        var merchant = await fixture.MerchantAsync();
        using var garment = TestImages.Solid(200, 240, 30, 90, 200);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("""{"product": {"externalId": "sku-100", "title": "mock", "images": [{"fileKey": "garment"}]}, "customer": {"fileKey": "selfie"}, "customerId": "u-77", "useWatermark": false, "retentionDays": 7}"""), "data" },
        };
        form.Add(new ByteArrayContent(TestImages.Png(garment)), "garment", "garment.png");
        form.Add(new ByteArrayContent(Person), "selfie", "selfie.png");

        var started = await (await merchant.Client.PostAsync("/tryon/v1/try-on", form)).ShouldBeOkAsync();

        await PollAsync(merchant.Client, started.GetProperty("generationId").GetString()!, "COMPLETED");
        var product = await (await merchant.Client.GetAsync("/tryon/v1/products/sku-100")).ShouldBeOkAsync();
        Assert.Equal(15, product.GetProperty("validForDays").GetInt32());
    }

    [Fact]
    public async Task Deprecated_one_point_three_shape_and_a_one_shot_product_are_accepted()
    {
        var merchant = await fixture.MerchantAsync();
        var imageId = await UploadAsync(merchant.Client);
        using var garment = TestImages.Solid(200, 240, 30, 90, 200);
        using var form = new MultipartFormDataContent
        {
            { new StringContent($$$$"""{"product": {"title": "mock", "images": [{"source": {"fileKey": "g"}}]}, "customer": {"source": {"id": "{{{{imageId}}}}"}}}"""), "data" },
        };
        form.Add(new ByteArrayContent(TestImages.Png(garment)), "g", "g.png");

        var started = await (await merchant.Client.PostAsync("/tryon/v1/try-on", form)).ShouldBeOkAsync();

        var oneShot = started.GetProperty("productExternalId").GetString()!;
        Assert.StartsWith("_anon_", oneShot, StringComparison.Ordinal);
        await PollAsync(merchant.Client, started.GetProperty("generationId").GetString()!, "COMPLETED");
        Assert.Equal(7, (await (await merchant.Client.GetAsync($"/tryon/v1/products/{oneShot}")).ShouldBeOkAsync()).GetProperty("validForDays").GetInt32());
        Assert.Equal(0, (await (await merchant.Client.GetAsync("/tryon/v1/products")).ShouldBeOkAsync()).GetProperty("count").GetInt32());

        // A one-shot id may be sent back as a reference.
        var again = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = oneShot } },
            person = new { image = new { source = new { id = imageId } } },
        })).ShouldBeOkAsync();
        await PollAsync(merchant.Client, again.GetProperty("generationId").GetString()!, "COMPLETED");
    }

    public static TheoryData<string, HttpStatusCode, string> BadRequests() => new()
    {
        { """{"products": [{"externalId": "missing-product"}], "person": {"image": {"source": {"id": "{img}"}}}}""", HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND" },
        { """{"products": [{"externalId": "mock-x"}]}""", HttpStatusCode.BadRequest, "CUSTOMER_IMAGE_REQUIRED" },
        { """{"products": [], "person": {"image": {"source": {"id": "{img}"}}}}""", HttpStatusCode.BadRequest, "VALIDATION_FAILED" },
        { """{"products": [{"externalId": "mock-x"}, {"externalId": "mock-x"}], "person": {"image": {"source": {"id": "{img}"}}}}""", HttpStatusCode.BadRequest, "VALIDATION_FAILED" },
        { """{"products": [{"externalId": "mock-x"}], "product": {"externalId": "mock-x"}, "person": {"image": {"source": {"id": "{img}"}}}}""", HttpStatusCode.BadRequest, "VALIDATION_FAILED" },
        { """{"products": [{"externalId": "mock-x"}], "person": {"image": {"source": {"id": "{img}", "url": "https://198.51.100.1/me.jpg"}}}}""", HttpStatusCode.BadRequest, "VALIDATION_FAILED" },
        { """{"products": [{"externalId": "mock-x"}], "person": {"image": {"source": {}}}}""", HttpStatusCode.BadRequest, "VALIDATION_FAILED" },
        { """{"products": [{"externalId": "mock-x"}], "person": {"image": {"source": {"id": "{img}"}}}, "externalUserId": "a", "customerId": "b"}""", HttpStatusCode.BadRequest, "VALIDATION_FAILED" },
        { """{"products": [{"externalId": "mock-x"}], "person": {"image": {"source": {"id": "{img}"}}}, "output": {"keepForDays": 5}}""", HttpStatusCode.BadRequest, "VALIDATION_FAILED" },
        { """{"products": [{"externalId": "mock-x"}], "person": {"image": {"source": {"id": "img_unknown"}}}}""", HttpStatusCode.NotFound, "IMAGE_NOT_FOUND" },
        { """{"products": [{"externalId": "mock-x"}], "person": {"image": {"source": {"fileKey": "selfie"}}}}""", HttpStatusCode.BadRequest, "MULTIPART_FILE_NOT_FOUND" },
        { """{"products": [{"externalId": "mock-x"}], "person": {"image": {"source": {"url": "http://127.0.0.1/me.jpg"}}}}""", HttpStatusCode.BadRequest, "CUSTOMER_IMAGE_FETCH_FAILED" },
        { """{"products": [{"externalId": "_anon_mine", "title": "mock", "imageUrls": ["https://198.51.100.1/a.jpg"]}], "person": {"image": {"source": {"id": "{img}"}}}}""", HttpStatusCode.Conflict, "RESERVED_EXTERNAL_ID" },
        { """{"products": [{"title": "no images"}], "person": {"image": {"source": {"id": "{img}"}}}}""", HttpStatusCode.BadRequest, "PRODUCT_IMAGES_REQUIRED" },
        { """{"products": [{"externalId": "new-one", "images": [{"source": {}}]}], "person": {"image": {"source": {"id": "{img}"}}}}""", HttpStatusCode.BadRequest, "INVALID_IMAGE_INPUT" },
        { """{"products": [{"externalId": "mock-x", "description": "{long}"}], "person": {"image": {"source": {"id": "{img}"}}}}""", HttpStatusCode.BadRequest, "VALIDATION_FAILED" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_requests_get_their_code_and_take_no_credit(string body, HttpStatusCode status, string code)
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "mock-x", "mock");

        var json = body.Replace("{img}", imageId, StringComparison.Ordinal).Replace("{long}", new string('d', 6000), StringComparison.Ordinal);
        await (await merchant.Client.PostRawAsync("/tryon/v1/try-on", json)).ShouldBeErrorAsync(status, code);

        Assert.Equal((5, 0), await CreditsAsync(merchant.Client));
    }

    [Fact]
    public async Task Another_accounts_image_is_FORBIDDEN()
    {
        var owner = await fixture.MerchantAsync();
        var other = await fixture.MerchantAsync();
        var imageId = await UploadAsync(owner.Client);
        await CreateProductAsync(other.Client, "mock-o", "mock");

        var response = await other.Client.PostAsJsonAsync("/tryon/v1/try-on", new { products = new[] { new { externalId = "mock-o" } }, person = new { image = new { source = new { id = imageId } } } });
        await response.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task Known_missing_classification_is_refused_up_front_naming_the_key()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "tee-on-model", "Red tee", flatLay: false);

        var response = await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", new { products = new[] { new { externalId = "tee-on-model" } }, person = new { image = new { source = new { id = imageId } } } });

        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "MISSING_REQUIRED_CLASSIFICATION");
        Assert.Equal("flat_lay", envelope.GetProperty("details").GetProperty("key").GetString());
        Assert.Equal((5, 0), await CreditsAsync(merchant.Client));
    }

    [Fact]
    public async Task Without_credits_it_is_INSUFFICIENT_CREDITS_with_details()
    {
        var merchant = await fixture.MerchantAsync(credits: 0);
        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "mock-c", "mock");

        var response = await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", new { products = new[] { new { externalId = "mock-c" } }, person = new { image = new { source = new { id = imageId } } } });

        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.PaymentRequired, "INSUFFICIENT_CREDITS");
        Assert.Equal(0, envelope.GetProperty("details").GetProperty("creditBalance").GetInt64());
        Assert.Equal(1, envelope.GetProperty("details").GetProperty("required").GetInt64());
    }

    [Fact]
    public async Task Generations_in_flight_over_the_limit_are_QUOTA_EXCEEDED()
    {
        var merchant = await fixture.MerchantAsync(credits: 5, maxInFlight: 1);
        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "tee-held", "Red tee");
        var request = new { products = new[] { new { externalId = "tee-held" } }, person = new { image = new { source = new { id = imageId } } } };
        fixture.Gate.Close();
        try
        {
            var first = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", request)).ShouldBeOkAsync();
            var refused = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", request)).ShouldBeErrorAsync(HttpStatusCode.PaymentRequired, "QUOTA_EXCEEDED");
            Assert.Equal(1, refused.GetProperty("details").GetProperty("maxInFlightGenerations").GetInt32());
            Assert.Equal((4, 1), await CreditsAsync(merchant.Client));
            fixture.Gate.Open();
            await PollAsync(merchant.Client, first.GetProperty("generationId").GetString()!, "COMPLETED");
        }
        finally
        {
            fixture.Gate.Open();
        }
    }

    [Fact]
    public async Task Over_the_monthly_cap_it_is_QUOTA_EXCEEDED_with_details_and_no_credit_is_taken()
    {
        var merchant = await fixture.MerchantAsync(credits: 5, monthlyGenerations: 1);
        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "mock-m", "mock");
        var request = new { products = new[] { new { externalId = "mock-m" } }, person = new { image = new { source = new { id = imageId } } } };

        var first = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", request)).ShouldBeOkAsync();
        await PollAsync(merchant.Client, first.GetProperty("generationId").GetString()!, "COMPLETED");
        var refused = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", request)).ShouldBeErrorAsync(HttpStatusCode.PaymentRequired, "QUOTA_EXCEEDED");

        var details = refused.GetProperty("details");
        Assert.Equal("monthlyGenerations", details.GetProperty("quota").GetString());
        Assert.Equal(1, details.GetProperty("used").GetInt32());
        Assert.Equal(1, details.GetProperty("monthlyGenerations").GetInt32());
        var resetsAt = details.GetProperty("resetsAt").GetDateTimeOffset();
        Assert.Equal((1, TimeSpan.Zero), (resetsAt.Day, resetsAt.Offset));
        Assert.Equal((4, 0), await CreditsAsync(merchant.Client));
    }

    [Fact]
    public async Task Ten_times_more_concurrent_requests_than_credits_accept_exactly_the_credits()
    {
        var merchant = await fixture.MerchantAsync(credits: 8, maxInFlight: 1000, writesPerMinute: 1000);
        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "mock-o", "mock");
        var request = new { products = new[] { new { externalId = "mock-o" } }, person = new { image = new { source = new { id = imageId } } } };

        var responses = await Task.WhenAll(Enumerable.Range(0, 80).Select(_ => merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", request)));

        var accepted = responses.Where(response => response.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Equal(8, accepted.Count);
        foreach (var response in responses.Except(accepted))
        {
            await response.ShouldBeErrorAsync(HttpStatusCode.PaymentRequired, "INSUFFICIENT_CREDITS");
        }

        foreach (var response in accepted)
        {
            var generation = await response.ShouldBeOkAsync();
            await PollAsync(merchant.Client, generation.GetProperty("generationId").GetString()!, "COMPLETED");
        }

        await Eventually.HoldsAsync(async () => await CreditsAsync(merchant.Client) == (0, 0), TimeSpan.FromSeconds(10), "every credit to be charged");
        var ledger = await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{merchant.AccountId}/ledger?limit=100")).ShouldBeOkAsync();
        var kinds = ledger.GetProperty("items").EnumerateArray().Select(entry => entry.GetProperty("kind").GetString()).ToList();
        Assert.Single(kinds, kind => kind == "grant");
        Assert.Equal(8, kinds.Count(kind => kind == "reservation"));
        Assert.Equal(8, kinds.Count(kind => kind == "charge"));
        Assert.DoesNotContain("release", kinds);
    }

    [Fact]
    public async Task Sync_answers_the_finished_generation_or_202_while_it_runs()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "mock-s", "mock");
        await CreateProductAsync(merchant.Client, "tee-s", "Red tee");

        var done = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on/sync", new { products = new[] { new { externalId = "mock-s" } }, person = new { image = new { source = new { id = imageId } } } }))
            .ShouldBeOkAsync();
        Assert.Equal("COMPLETED", done.GetProperty("status").GetString());
        Assert.Contains("signature=", done.GetProperty("resultImageUrl").GetString(), StringComparison.Ordinal);

        fixture.Gate.Close();
        try
        {
            var running = await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on/sync", new { products = new[] { new { externalId = "tee-s" } }, person = new { image = new { source = new { id = imageId } } } });
            var accepted = await running.ShouldBeOkAsync(HttpStatusCode.Accepted);
            Assert.Equal("PROCESSING", accepted.GetProperty("status").GetString());
            fixture.Gate.Open();
            await PollAsync(merchant.Client, accepted.GetProperty("generationId").GetString()!, "COMPLETED");
        }
        finally
        {
            fixture.Gate.Open();
        }
    }

    [Fact]
    public async Task Generations_are_listed_newest_first_and_counted_in_product_stats()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "mock-l", "mock");
        var request = new { products = new[] { new { externalId = "mock-l" } }, person = new { image = new { source = new { id = imageId } } } };
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var first = (await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", request)).ShouldBeOkAsync()).GetProperty("generationId").GetString()!;
        var second = (await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", request)).ShouldBeOkAsync()).GetProperty("generationId").GetString()!;
        await PollAsync(merchant.Client, first, "COMPLETED");
        await PollAsync(merchant.Client, second, "COMPLETED");

        JsonElement page = default;
        await Eventually.HoldsAsync(
            async () => (page = await (await merchant.Client.GetAsync("/tryon/v1/generations?status=completed&limit=1")).ShouldBeOkAsync())
                .GetProperty("items")[0].GetProperty("id").GetString() == second,
            TimeSpan.FromSeconds(10),
            "the newest completed generation to be listed first");
        Assert.True(page.GetProperty("hasMore").GetBoolean());
        var next = await (await merchant.Client.GetAsync($"/tryon/v1/generations?status=COMPLETED&limit=1&cursor={page.GetProperty("nextCursor").GetString()}")).ShouldBeOkAsync();
        Assert.Equal(first, next.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal("mock-l", next.GetProperty("items")[0].GetProperty("productExternalId").GetString());
        await (await merchant.Client.GetAsync("/tryon/v1/generations?status=DONE")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        var stats = await (await merchant.Client.GetAsync($"/tryon/v1/products/mock-l/stats?from={Uri.EscapeDataString(before.ToString("O"))}")).ShouldBeOkAsync();
        Assert.Equal(2, stats.GetProperty("totalGenerations").GetInt64());
        Assert.Equal(2, stats.GetProperty("completedGenerations").GetInt64());
        Assert.Equal(0, stats.GetProperty("failedGenerations").GetInt64());
        Assert.True(stats.GetProperty("avgGenerationTimeMs").GetInt64() > 0);
        var future = await (await merchant.Client.GetAsync($"/tryon/v1/products/mock-l/stats?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}")).ShouldBeOkAsync();
        Assert.Equal(0, future.GetProperty("totalGenerations").GetInt64());
        Assert.Equal(0, future.GetProperty("avgGenerationTimeMs").GetInt64());
        await (await merchant.Client.GetAsync("/tryon/v1/products/mock-l/stats?from=yesterday")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await (await merchant.Client.GetAsync("/tryon/v1/products/unknown/stats")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
    }

    [Fact]
    public async Task Queued_generations_keep_their_product_image_when_the_product_changes()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "tee-snap", "Red tee");
        var request = new { products = new[] { new { externalId = "tee-snap" } }, person = new { image = new { source = new { id = imageId } } } };
        fixture.Gate.Close();
        try
        {
            var running = (await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", request)).ShouldBeOkAsync()).GetProperty("generationId").GetString()!;
            var queued = (await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", request)).ShouldBeOkAsync()).GetProperty("generationId").GetString()!;

            await CreateProductAsync(merchant.Client, "tee-snap", "Red tee");
            Assert.Equal(HttpStatusCode.NoContent, (await merchant.Client.DeleteAsync("/tryon/v1/products/tee-snap")).StatusCode);
            fixture.Gate.Open();

            await PollAsync(merchant.Client, running, "COMPLETED");
            await PollAsync(merchant.Client, queued, "COMPLETED");
        }
        finally
        {
            fixture.Gate.Open();
        }
    }

    [Fact]
    public async Task Status_filter_takes_one_exact_status_and_a_date_alone_covers_its_day()
    {
        var merchant = await fixture.MerchantAsync();
        await (await merchant.Client.GetAsync("/tryon/v1/generations?status=PENDING,FAILED")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await (await merchant.Client.GetAsync("/tryon/v1/generations?status=2")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "mock-d", "mock");
        var started = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", new { products = new[] { new { externalId = "mock-d" } }, person = new { image = new { source = new { id = imageId } } } }))
            .ShouldBeOkAsync();
        await PollAsync(merchant.Client, started.GetProperty("generationId").GetString()!, "COMPLETED");
        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.HoldsAsync(
            async () => (await (await merchant.Client.GetAsync($"/tryon/v1/products/mock-d/stats?from={today}&to={today}")).ShouldBeOkAsync()).GetProperty("completedGenerations").GetInt64() == 1,
            TimeSpan.FromSeconds(10),
            "today's generation to count in a window that ends today");
    }

    [Fact]
    public async Task The_account_logo_is_stamped_on_results_unless_the_call_says_no()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        using (var logo = TestImages.Solid(200, 100, 220, 20, 20, 255))
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new ByteArrayContent(TestImages.Png(logo)), "file", "logo.png");
            var account = await (await fixture.Admin.PutAsync($"/admin/v1/accounts/{merchant.AccountId}/logo", form)).ShouldBeOkAsync();
            Assert.True(account.GetProperty("hasLogo").GetBoolean());
        }

        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "mock-w", "mock");

        async Task<Image> ResultAsync(bool? watermark)
        {
            var body = watermark is null
                ? (object)new { products = new[] { new { externalId = "mock-w" } }, person = new { image = new { source = new { id = imageId } } } }
                : new { products = new[] { new { externalId = "mock-w" } }, person = new { image = new { source = new { id = imageId } } }, output = new { watermark } };
            var started = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", body)).ShouldBeOkAsync();
            var done = await PollAsync(merchant.Client, started.GetProperty("generationId").GetString()!, "COMPLETED");
            var bytes = await fixture.App.CreateHttpClient().GetByteArrayAsync(done.GetProperty("resultImageUrl").GetString());
            return Image.NewFromBuffer(bytes);
        }

        static bool RedAtLogo(Image image)
        {
            var width = image.Width / 6;
            var margin = image.Width / 50;
            var pixel = image.Getpoint(image.Width - margin - (width / 2), image.Height - margin - (width / 4));
            return pixel[0] > 150 && pixel[1] < 90 && pixel[2] < 90;
        }

        using var stamped = await ResultAsync(watermark: null);
        Assert.True(RedAtLogo(stamped), "The logo should be stamped by default.");
        using var plain = await ResultAsync(watermark: false);
        Assert.False(RedAtLogo(plain), "output.watermark: false should leave the result unstamped.");

        using var jpeg = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Jpeg(TestImages.Solid(64, 64, 1, 2, 3))), "file", "logo.jpg" } };
        await (await fixture.Admin.PutAsync($"/admin/v1/accounts/{merchant.AccountId}/logo", jpeg)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "UNSUPPORTED_IMAGE_TYPE");
        var removed = await (await fixture.Admin.DeleteAsync($"/admin/v1/accounts/{merchant.AccountId}/logo")).ShouldBeOkAsync();
        Assert.False(removed.GetProperty("hasLogo").GetBoolean());
    }

    [Fact]
    public async Task A_replaced_logo_is_deleted_and_a_generation_queued_with_it_stamps_the_current_one()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        var branding = Path.Combine(fixture.BlobsDirectory, merchant.AccountId, "branding");
        async Task PutLogoAsync(byte red, byte green, byte blue)
        {
            using var logo = TestImages.Solid(200, 100, red, green, blue, 255);
            using var form = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Png(logo)), "file", "logo.png" } };
            await (await fixture.Admin.PutAsync($"/admin/v1/accounts/{merchant.AccountId}/logo", form)).ShouldBeOkAsync();
        }

        await PutLogoAsync(220, 20, 20);
        var first = Assert.Single(Directory.GetFiles(branding));
        var imageId = await UploadAsync(merchant.Client);
        await CreateProductAsync(merchant.Client, "tee-logo", "Red tee");
        var request = new { products = new[] { new { externalId = "tee-logo" } }, person = new { image = new { source = new { id = imageId } } } };
        string generationId;
        fixture.Gate.Close();
        try
        {
            // Admitted with the red logo's key; the logo is replaced while the engine holds the generation.
            generationId = (await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", request)).ShouldBeOkAsync()).GetProperty("generationId").GetString()!;
            await PutLogoAsync(20, 20, 220);
            await Eventually.HoldsAsync(() => Task.FromResult(!File.Exists(first)), TimeSpan.FromSeconds(10), "the replaced logo to be deleted");
            Assert.Single(Directory.GetFiles(branding));
        }
        finally
        {
            fixture.Gate.Open();
        }

        var done = await PollAsync(merchant.Client, generationId, "COMPLETED");
        using var result = Image.NewFromBuffer(await fixture.App.CreateHttpClient().GetByteArrayAsync(done.GetProperty("resultImageUrl").GetString()));
        // The stamp's place (ImagePipeline.Stamp): a sixth of the width, at least 16 px, 4 px or more from the corner.
        var width = Math.Max(16, result.Width / 6);
        var margin = Math.Max(4, result.Width / 50);
        var pixel = result.Getpoint(result.Width - margin - (width / 2), result.Height - margin - (width / 4));
        Assert.True(pixel[2] > 150 && pixel[0] < 90 && pixel[1] < 90, $"The current (blue) logo should be stamped; the pixel is {string.Join(",", pixel)}.");

        await (await fixture.Admin.DeleteAsync($"/admin/v1/accounts/{merchant.AccountId}/logo")).ShouldBeOkAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(Directory.GetFiles(branding).Length == 0), TimeSpan.FromSeconds(10), "the removed logo to be deleted");
    }

    [Fact]
    public async Task Generations_are_private_to_their_account()
    {
        var owner = await fixture.MerchantAsync();
        var other = await fixture.MerchantAsync();
        var imageId = await UploadAsync(owner.Client);
        await CreateProductAsync(owner.Client, "mock-p", "mock");
        var started = await (await owner.Client.PostAsJsonAsync("/tryon/v1/try-on", new { products = new[] { new { externalId = "mock-p" } }, person = new { image = new { source = new { id = imageId } } } }))
            .ShouldBeOkAsync();
        var generationId = started.GetProperty("generationId").GetString();

        await (await other.Client.GetAsync($"/tryon/v1/generations/{generationId}")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        await (await owner.Client.GetAsync("/tryon/v1/generations/gen_unknown")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "GENERATION_NOT_FOUND");
        await (await owner.Client.GetAsync("/tryon/v1/generations/not-an-id")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "GENERATION_NOT_FOUND");
    }
}
