using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Idempotency;
using TryOn.Tests.Generations;
using TryOn.Tests.Infrastructure;
using TryOn.Web.Idempotency;

namespace TryOn.Tests.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on <c>POST /try-on</c>, <c>/try-on/sync</c>, <c>/products</c> and <c>/images/upload</c>
/// (docs/api.md, "Idempotent requests"): the same request again replays the first answer and spends nothing more;
/// another request with the key is refused; a key is per account.
/// </summary>
public sealed class IdempotencyTests(TryOnAppFixture fixture) : IClassFixture<TryOnAppFixture>
{
    private static readonly byte[] Person = TestImages.Read("person-astronaut.png");

    private static async Task<string> UploadAsync(HttpClient client)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Person) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "file", "me.png");
        return (await (await client.PostAsync(new Uri("/tryon/v1/images/upload", UriKind.Relative), form)).ShouldBeOkAsync()).GetProperty("imageId").GetString()!;
    }

    /// <summary>A product on the mock engine, or (gated) on the fixture's gate for "tops".</summary>
    private static async Task CreateProductAsync(HttpClient client, string externalId, bool gated = false)
    {
        using var garment = TestImages.Solid(200, 240, 30, 90, 200);
        using var form = new MultipartFormDataContent
        {
            { new StringContent($$$"""{"externalId": "{{{externalId}}}", "title": "{{{(gated ? "Tee" : "mock")}}}", "category": "tops", "images": [{"source": {"fileKey": "g"}, "classifications": {"flat_lay": true}}]}"""), "data" },
        };
        form.Add(new ByteArrayContent(TestImages.Png(garment)), "g", "g.png");
        await (await client.PostAsync(new Uri("/tryon/v1/products", UriKind.Relative), form)).ShouldBeOkAsync();
    }

    private static HttpRequestMessage TryOn(string path, string productId, string imageId, string? key, string? externalUserId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(new { products = new[] { new { externalId = productId } }, person = new { image = new { source = new { id = imageId } } }, externalUserId }),
        };
        if (key is not null)
        {
            request.Headers.Add(IdempotencyKeys.Header, key);
        }

        return request;
    }

    private static async Task<(long Balance, long Reserved)> CreditsAsync(HttpClient client)
    {
        var credits = await (await client.GetAsync(new Uri("/tryon/v1/account/credits", UriKind.Relative))).ShouldBeOkAsync();
        return (credits.GetProperty("creditBalance").GetInt64(), credits.GetProperty("reserved").GetInt64());
    }

    private static async Task<JsonElement> FinishedAsync(HttpClient client, string generationId)
    {
        JsonElement generation = default;
        await Eventually.HoldsAsync(
            async () => (generation = await (await client.GetAsync(new Uri($"/tryon/v1/generations/{generationId}", UriKind.Relative))).ShouldBeOkAsync()).GetProperty("status").GetString() is "COMPLETED" or "FAILED",
            TimeSpan.FromSeconds(20),
            $"generation {generationId} to finish");
        return generation;
    }

    [Fact]
    public async Task The_same_try_on_with_the_same_key_replays_the_first_answer_and_spends_one_credit()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        await CreateProductAsync(merchant.Client, "mock-1");
        var imageId = await UploadAsync(merchant.Client);

        using var first = await merchant.Client.SendAsync(TryOn("/tryon/v1/try-on", "mock-1", imageId, "order-1001"));
        var started = await first.ShouldBeOkAsync();
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var generationId = started.GetProperty("generationId").GetString()!;
        await FinishedAsync(merchant.Client, generationId);

        using var again = await merchant.Client.SendAsync(TryOn("/tryon/v1/try-on", "mock-1", imageId, "order-1001"));
        var replayed = await again.ShouldBeOkAsync();
        Assert.Equal(["true"], again.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(started.GetRawText(), replayed.GetRawText());
        Assert.Equal((4, 0), await CreditsAsync(merchant.Client));

        // Without a key, the same body is a new try-on.
        using var unkeyed = await merchant.Client.SendAsync(TryOn("/tryon/v1/try-on", "mock-1", imageId, null));
        Assert.NotEqual(generationId, (await unkeyed.ShouldBeOkAsync()).GetProperty("generationId").GetString());
    }

    [Fact]
    public async Task Another_request_with_a_used_key_is_refused_and_changes_nothing()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        await CreateProductAsync(merchant.Client, "mock-2");
        var imageId = await UploadAsync(merchant.Client);
        await (await merchant.Client.SendAsync(TryOn("/tryon/v1/try-on", "mock-2", imageId, "k-2"))).ShouldBeOkAsync();

        using var otherBody = await merchant.Client.SendAsync(TryOn("/tryon/v1/try-on", "mock-2", imageId, "k-2", externalUserId: "someone"));
        await otherBody.ShouldBeErrorAsync((HttpStatusCode)422, "IDEMPOTENCY_KEY_REUSED");
        using var otherPath = await merchant.Client.SendAsync(TryOn("/tryon/v1/try-on/sync", "mock-2", imageId, "k-2"));
        await otherPath.ShouldBeErrorAsync((HttpStatusCode)422, "IDEMPOTENCY_KEY_REUSED");
        Assert.Equal(4, (await CreditsAsync(merchant.Client)).Balance);
    }

    [Fact]
    public async Task A_request_whose_key_is_held_by_one_still_running_is_refused_then_replays_its_answer()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        await CreateProductAsync(merchant.Client, "gated-1", gated: true);
        var imageId = await UploadAsync(merchant.Client);
        fixture.Gate.Close();
        try
        {
            // The synchronous try-on waits for its result (2 s in the fixture) while the engine holds it; the same request
            // sent meanwhile finds the key held. Whichever of the two got the key first, the other is refused.
            var running = merchant.Client.SendAsync(TryOn("/tryon/v1/try-on/sync", "gated-1", imageId, "k-held"));
            await Task.Delay(TimeSpan.FromMilliseconds(700));
            using var meanwhile = await merchant.Client.SendAsync(TryOn("/tryon/v1/try-on/sync", "gated-1", imageId, "k-held"));
            using var first = await running;
            var held = Assert.Single(new[] { first, meanwhile }, response => response.StatusCode == HttpStatusCode.Conflict);
            await held.ShouldBeErrorAsync(HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_IN_USE");
            var ran = Assert.Single(new[] { first, meanwhile }, response => response.StatusCode == HttpStatusCode.Accepted);
            var accepted = await ran.ShouldBeOkAsync(HttpStatusCode.Accepted);

            // Once it has answered, the same request gets that answer again.
            using var again = await merchant.Client.SendAsync(TryOn("/tryon/v1/try-on/sync", "gated-1", imageId, "k-held"));
            Assert.Equal(accepted.GetRawText(), (await again.ShouldBeOkAsync(HttpStatusCode.Accepted)).GetRawText());
            Assert.Equal(ran.Headers.Location, again.Headers.Location);
        }
        finally
        {
            fixture.Gate.Open();
        }
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_start_one_generation()
    {
        var merchant = await fixture.MerchantAsync(credits: 20, writesPerMinute: 1000);
        await CreateProductAsync(merchant.Client, "mock-3");
        var imageId = await UploadAsync(merchant.Client);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await merchant.Client.SendAsync(TryOn("/tryon/v1/try-on", "mock-3", imageId, "k-race"));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (response.StatusCode, Body: body);
        }));

        var ids = answers.Where(answer => answer.StatusCode == HttpStatusCode.OK).Select(answer => answer.Body.GetProperty("generationId").GetString()).Distinct().ToList();
        Assert.Single(ids);
        Assert.All(answers.Where(answer => answer.StatusCode != HttpStatusCode.OK), answer =>
        {
            Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
            Assert.Equal("IDEMPOTENCY_KEY_IN_USE", answer.Body.GetProperty("code").GetString());
        });
        await FinishedAsync(merchant.Client, ids[0]!);
        Assert.Equal((19, 0), await CreditsAsync(merchant.Client));
    }

    [Fact]
    public async Task Keys_belong_to_their_account()
    {
        var one = await fixture.MerchantAsync(credits: 5);
        var other = await fixture.MerchantAsync(credits: 5);
        var ids = new List<string>();
        foreach (var merchant in new[] { one, other })
        {
            await CreateProductAsync(merchant.Client, "mock-4");
            var imageId = await UploadAsync(merchant.Client);
            ids.Add((await (await merchant.Client.SendAsync(TryOn("/tryon/v1/try-on", "mock-4", imageId, "shared-key"))).ShouldBeOkAsync()).GetProperty("generationId").GetString()!);
        }

        Assert.NotEqual(ids[0], ids[1]);
        Assert.Equal(4, (await CreditsAsync(one.Client)).Balance);
        Assert.Equal(4, (await CreditsAsync(other.Client)).Balance);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    public async Task A_malformed_key_is_a_validation_failure_naming_the_header(string key)
    {
        var merchant = await fixture.MerchantAsync();
        using var request = TryOn("/tryon/v1/try-on", "mock-x", "img_x", null);
        request.Headers.TryAddWithoutValidation(IdempotencyKeys.Header, key);
        using var response = await merchant.Client.SendAsync(request);
        var error = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(IdempotencyKeys.Header, error.GetProperty("details")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_key_over_255_characters_is_refused_and_255_is_accepted()
    {
        var merchant = await fixture.MerchantAsync();
        using var tooLong = TryOn("/tryon/v1/try-on", "mock-x", "img_x", new string('k', 256));
        await (await merchant.Client.SendAsync(tooLong)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        // The longest key goes through to the endpoint (which then refuses the unknown image, and keeps that answer).
        using var longest = TryOn("/tryon/v1/try-on", "mock-x", "img_x", new string('k', 255));
        await (await merchant.Client.SendAsync(longest)).ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
    }

    [Fact]
    public async Task An_upload_sent_again_with_a_new_multipart_boundary_replays_the_same_image()
    {
        var merchant = await fixture.MerchantAsync();
        var ids = new List<string>();
        foreach (var boundary in new[] { "first-boundary-1234", "second-boundary-5678" })
        {
            using var form = new MultipartFormDataContent(boundary);
            form.Add(new ByteArrayContent(Person) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "file", "me.png");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/tryon/v1/images/upload") { Content = form };
            request.Headers.Add(IdempotencyKeys.Header, "upload-1");
            ids.Add((await (await merchant.Client.SendAsync(request)).ShouldBeOkAsync()).GetProperty("imageId").GetString()!);
        }

        Assert.Equal(ids[0], ids[1]);
    }

    [Fact]
    public async Task A_product_upsert_with_a_key_replays_and_another_body_is_refused()
    {
        var merchant = await fixture.MerchantAsync();
        static HttpRequestMessage Upsert(string title)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/tryon/v1/products")
            {
                Content = new StringContent($$$"""{"externalId": "sku-idem", "title": "{{{title}}}", "category": "tops", "images": [{"source": {"url": "https://198.51.100.7/tee.png"}}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(IdempotencyKeys.Header, "product-1");
            return request;
        }

        using var first = await merchant.Client.SendAsync(Upsert("Tee"));
        var answer = await first.ShouldBeOkAsync();
        using var again = await merchant.Client.SendAsync(Upsert("Tee"));
        Assert.Equal(answer.GetRawText(), (await again.ShouldBeOkAsync()).GetRawText());
        Assert.Equal(["true"], again.Headers.GetValues("Idempotent-Replayed"));
        await (await merchant.Client.SendAsync(Upsert("Other tee"))).ShouldBeErrorAsync((HttpStatusCode)422, "IDEMPOTENCY_KEY_REUSED");
    }

    [Fact]
    public async Task A_retry_whose_earlier_attempt_gave_its_generation_id_up_admits_under_a_new_one()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        await CreateProductAsync(merchant.Client, "mock-5");
        var imageId = await UploadAsync(merchant.Client);

        // As left by an attempt whose admission failed: the key released (a 5xx), its reference's id closed.
        var grains = fixture.App.Services.GetRequiredService<IGrainFactory>();
        var key = grains.GetGrain<IIdempotencyKeyGrain>(IdempotencyKeys.GrainKey(merchant.AccountId, "k-closed"));
        using var probe = TryOn("/tryon/v1/try-on", "mock-5", imageId, "k-closed");
        var fingerprint = await FingerprintOfAsync(probe);
        var claim = await key.BeginAsync(fingerprint);
        Assert.False(await grains.GetGrain<IGenerationGrain>("gen_" + claim.Reference).AbandonIfNotStartedAsync(merchant.AccountId));
        await key.ReleaseAsync(claim.Claim, keepReference: true);

        using var retry = await merchant.Client.SendAsync(TryOn("/tryon/v1/try-on", "mock-5", imageId, "k-closed"));
        var started = await retry.ShouldBeOkAsync();
        Assert.NotEqual("gen_" + claim.Reference, started.GetProperty("generationId").GetString());
        await FinishedAsync(merchant.Client, started.GetProperty("generationId").GetString()!);
        Assert.Equal((4, 0), await CreditsAsync(merchant.Client));
    }

    [Fact]
    public async Task A_key_and_its_answer_survive_a_restart()
    {
        using var directory = new TempDirectory();
        string apiKey;
        string generationId;
        await using (var app = new TryOnApp(directory.Path))
        {
            using var admin = app.CreateAdminClient();
            var account = await (await admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Restart shop", credits = 5 })).ShouldBeOkAsync(HttpStatusCode.Created);
            apiKey = (await (await admin.PostAsJsonAsync($"/admin/v1/accounts/{account.GetProperty("accountId").GetString()}/keys", new { name = "k" })).ShouldBeOkAsync(HttpStatusCode.Created))
                .GetProperty("key").GetString()!;
            using var merchant = app.CreateMerchantClient(apiKey);
            await CreateProductAsync(merchant, "mock-r");
            var imageId = await UploadAsync(merchant);
            using var request = TryOn("/tryon/v1/try-on", "mock-r", imageId, "k-restart");
            generationId = (await (await merchant.SendAsync(request)).ShouldBeOkAsync()).GetProperty("generationId").GetString()!;
            await FinishedAsync(merchant, generationId);
            using var probe = TryOn("/tryon/v1/try-on", "mock-r", imageId, "k-restart");
            File.WriteAllText(Path.Combine(directory.Path, "request.json"), await probe.Content!.ReadAsStringAsync());
        }

        await using (var app = new TryOnApp(directory.Path))
        {
            using var merchant = app.CreateMerchantClient(apiKey);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/tryon/v1/try-on")
            {
                Content = new StringContent(File.ReadAllText(Path.Combine(directory.Path, "request.json")), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(IdempotencyKeys.Header, "k-restart");
            using var replay = await merchant.SendAsync(request);
            Assert.Equal(generationId, (await replay.ShouldBeOkAsync()).GetProperty("generationId").GetString());
            Assert.Equal(["true"], replay.Headers.GetValues("Idempotent-Replayed"));
            Assert.Equal(4, (await CreditsAsync(merchant)).Balance);
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_offers_the_header_on_exactly_the_operations_that_honour_it()
    {
        using var client = fixture.App.CreateHttpClient();
        var paths = (await (await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).ShouldBeOkAsync()).GetProperty("paths");
        var offering = paths.EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Name: $"{operation.Name} {path.Name}", Operation: operation.Value)))
            .Where(entry => entry.Operation.TryGetProperty("parameters", out var parameters)
                && parameters.EnumerateArray().Any(parameter => parameter.GetProperty("name").GetString() == IdempotencyKeys.Header && parameter.GetProperty("in").GetString() == "header"))
            .Select(entry => entry.Name)
            .Order(StringComparer.Ordinal);
        Assert.Equal(["post /tryon/v1/images/upload", "post /tryon/v1/products", "post /tryon/v1/try-on", "post /tryon/v1/try-on/sync"], offering);
    }

    /// <summary>The fingerprint the service computes for this request, from the request as it would arrive.</summary>
    private static async Task<string> FingerprintOfAsync(HttpRequestMessage message)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Method = message.Method.Method;
        context.Request.Path = message.RequestUri!.OriginalString;
        context.Request.ContentType = message.Content!.Headers.ContentType!.ToString();
        context.Request.Body = new MemoryStream(await message.Content.ReadAsByteArrayAsync());
        return await RequestFingerprint.ComputeAsync(context.Request, CancellationToken.None);
    }
}
