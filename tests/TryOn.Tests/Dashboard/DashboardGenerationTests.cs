using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetVips;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Dashboard;

/// <summary>
/// The playground, the generations pages and the overview over HTTP (docs/dashboard.md): a try-on run from the
/// dashboard is taken in, charged and run as the API's, its page follows it to its result, the list and the overview
/// count it, its images are served to its own account only, and bad input is refused on the page, charging nothing.
/// </summary>
public sealed partial class DashboardGenerationTests(DashboardAppFixture fixture) : IClassFixture<DashboardAppFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [GeneratedRegex("/dashboard/generations/(?<id>gen_[a-z0-9]+)$")]
    private static partial Regex GenerationPage();

    [Fact]
    public async Task A_playground_try_on_runs_with_the_accounts_credits_and_shows_in_the_list_the_detail_and_the_overview()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 3);
        using var visitor = await fixture.SignedInAsync(merchant.AccountId, "play@shop.example");
        Assert.Contains("No try-ons yet", await visitor.PageAsync("/dashboard/generations"), StringComparison.Ordinal);

        var generationId = await RunAsync(visitor, TestImages.Read("person-astronaut.png"), TestImages.GarmentFlatLay(), "white tee");
        var finished = await WaitAsync(visitor, generationId);
        Assert.Equal("COMPLETED", finished.GetProperty("status").GetString());

        // The detail: both images, the timings, no error.
        var detail = await visitor.PageAsync($"/dashboard/generations/{generationId}");
        Assert.Contains("data-testid=\"generation-status\">Completed<", detail, StringComparison.Ordinal);
        Assert.Contains($"/dashboard/generations/{generationId}/images/result", detail, StringComparison.Ordinal);
        Assert.Contains($"/dashboard/generations/{generationId}/images/person", detail, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"generation-time\"", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("data-live-status", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("error-code", detail, StringComparison.Ordinal);

        // The images: whole, and as previews that fit in 240 pixels.
        foreach (var image in new[] { "person", "result" })
        {
            using var whole = await visitor.GetAsync($"/dashboard/generations/{generationId}/images/{image}");
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.StartsWith("image/", whole.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            using var preview = await visitor.GetAsync($"/dashboard/generations/{generationId}/images/{image}?size=preview");
            Assert.Equal("image/jpeg", preview.Content.Headers.ContentType?.MediaType);
            using var decoded = Image.NewFromBuffer(await preview.Content.ReadAsByteArrayAsync());
            Assert.Equal(240, Math.Max(decoded.Width, decoded.Height));
        }

        using var unknownImage = await visitor.GetAsync($"/dashboard/generations/{generationId}/images/product");
        Assert.Equal(HttpStatusCode.NotFound, unknownImage.StatusCode);

        // The list has it with its thumbnails; the failed filter does not.
        var list = await visitor.PageAsync("/dashboard/generations");
        Assert.Contains($"data-generation-id=\"{generationId}\"", list, StringComparison.Ordinal);
        Assert.Contains($"/dashboard/generations/{generationId}/images/result?size=preview", list, StringComparison.Ordinal);
        Assert.DoesNotContain(generationId, await visitor.PageAsync("/dashboard/generations?status=failed"), StringComparison.Ordinal);
        Assert.Contains(generationId, await visitor.PageAsync("/dashboard/generations?status=COMPLETED"), StringComparison.Ordinal);

        // The credit was charged, as through the API.
        var credits = await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        Assert.Equal(2, credits.GetProperty("creditBalance").GetInt64());

        // The overview counts it.
        var overview = await visitor.PageAsync("/dashboard");
        Assert.Contains("data-testid=\"month-generations\">1<", overview, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"success-rate\">100 %<", overview, StringComparison.Ordinal);
        Assert.Contains("1 try-ons in all", overview, StringComparison.Ordinal);
        Assert.Contains("No failed try-ons", overview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_try_on_shows_its_code_in_the_detail_the_list_and_the_overview()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var visitor = await fixture.SignedInAsync(merchant.AccountId, "fails@shop.example");
        // A garment at an address that cannot be fetched is admitted, and fails when the generation fetches it.
        using var form = new MultipartFormDataContent
        {
            { new StringContent("""{"products": [{"externalId": "gone-tee", "category": "tops", "images": [{"source": {"url": "https://garments.invalid/tee.jpg"}}]}], "person": {"image": {"source": {"fileKey": "me"}}}}"""), "data" },
            { new ByteArrayContent(TestImages.Read("person-astronaut.png")), "me", "me.png" },
        };
        var started = await (await merchant.Client.PostAsync("/tryon/v1/try-on", form)).ShouldBeOkAsync();
        var generationId = started.GetProperty("generationId").GetString()!;
        Assert.Equal("FAILED", (await WaitAsync(visitor, generationId)).GetProperty("status").GetString());

        var detail = await visitor.PageAsync($"/dashboard/generations/{generationId}");
        Assert.Contains("data-testid=\"error-code\">PRODUCT_IMAGE_FETCH_FAILED<", detail, StringComparison.Ordinal);
        Assert.Contains("No result: the try-on failed", detail, StringComparison.Ordinal);
        Assert.Contains($"/dashboard/generations/{generationId}/images/person", detail, StringComparison.Ordinal);
        using (var result = await visitor.GetAsync($"/dashboard/generations/{generationId}/images/result"))
        {
            Assert.Equal(HttpStatusCode.NotFound, result.StatusCode);
        }

        Assert.Contains(generationId, await visitor.PageAsync("/dashboard/generations?status=failed"), StringComparison.Ordinal);
        Assert.DoesNotContain(generationId, await visitor.PageAsync("/dashboard/generations?status=completed"), StringComparison.Ordinal);
        var overview = await visitor.PageAsync("/dashboard");
        Assert.Contains("data-testid=\"month-generations\">1<", overview, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"success-rate\">0 %<", overview, StringComparison.Ordinal);
        Assert.Contains(generationId, overview, StringComparison.Ordinal);
        Assert.Contains("PRODUCT_IMAGE_FETCH_FAILED", overview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_accounts_generation_its_images_and_status_are_not_found()
    {
        var theirs = await fixture.CreateMerchantAsync();
        using var owner = await fixture.SignedInAsync(theirs.AccountId, "theirs@shop.example");
        var generationId = await RunAsync(owner, TestImages.Read("person-astronaut.png"), TestImages.GarmentFlatLay(), null);
        await WaitAsync(owner, generationId);

        var mine = await fixture.CreateMerchantAsync();
        using var visitor = await fixture.SignedInAsync(mine.AccountId, "mine@shop.example");
        using (var page = await visitor.GetAsync($"/dashboard/generations/{generationId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("Generation not found", html, StringComparison.Ordinal);
            Assert.DoesNotContain("/images/", html, StringComparison.Ordinal);
        }

        foreach (var path in new[] { "images/result", "images/person", "images/result?size=preview", "status" })
        {
            using var response = await visitor.GetAsync($"/dashboard/generations/{generationId}/{path}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.DoesNotContain(generationId, await visitor.PageAsync("/dashboard/generations"), StringComparison.Ordinal);
        Assert.Contains("data-testid=\"month-generations\">0<", await visitor.PageAsync("/dashboard"), StringComparison.Ordinal);

        // Nor to anyone signed out, who is sent to sign in.
        using var anonymous = new DashboardVisitor(fixture.App);
        using var signedOut = await anonymous.GetAsync($"/dashboard/generations/{generationId}/images/result");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Contains("/dashboard/sign-in", signedOut.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_playground_refuses_bad_input_on_the_page_and_charges_nothing()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 1);
        using var visitor = await fixture.SignedInAsync(merchant.AccountId, "bad@shop.example");
        var person = ("me.png", TestImages.Read("person-astronaut.png"));
        var garment = ("tee.jpg", TestImages.GarmentFlatLay());
        var upload = new Dictionary<string, string> { ["Source"] = "upload", ["Category"] = "tops" };

        await RefusedAsync(visitor, upload, new() { ["garment"] = garment }, "Choose a photo of a person.");
        await RefusedAsync(visitor, upload, new() { ["person"] = person }, "Choose a photo of the garment");
        await RefusedAsync(visitor, new() { ["Source"] = "catalogue" }, new() { ["person"] = person }, "Pick a product");
        await RefusedAsync(visitor, new() { ["Source"] = "catalogue", ["ProductExternalId"] = "no-such-product" }, new() { ["person"] = person }, "PRODUCT_NOT_FOUND");
        await RefusedAsync(visitor, upload, new() { ["person"] = ("notes.txt", "not an image at all, only words"u8.ToArray()), ["garment"] = garment }, "INVALID_IMAGE");
        await RefusedAsync(visitor, upload, new() { ["person"] = ("nobody.jpg", Jpeg(TestImages.Solid(800, 1000, 90, 140, 200))), ["garment"] = garment }, "PERSON_NOT_FOUND");
        await RefusedAsync(visitor, new() { ["Source"] = "upload", ["Category"] = "spaceships" }, new() { ["person"] = person, ["garment"] = garment }, "VALIDATION_FAILED");

        // Without the antiforgery token nothing is taken in.
        using var forged = await visitor.UploadAsync("/dashboard/playground", upload, new Dictionary<string, (string, byte[])> { ["person"] = person, ["garment"] = garment }, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var credits = await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        Assert.Equal(1, credits.GetProperty("creditBalance").GetInt64());
        Assert.Equal(0, credits.GetProperty("reserved").GetInt64());
        Assert.Contains("No try-ons yet", await visitor.PageAsync("/dashboard/generations"), StringComparison.Ordinal);

        // With no credit left, the refusal is the API's.
        await (await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/credits", new { amount = -1, reason = "test" })).ShouldBeOkAsync();
        await RefusedAsync(visitor, upload, new() { ["person"] = person, ["garment"] = garment }, "INSUFFICIENT_CREDITS");
    }

    [Fact]
    public async Task The_playground_offers_the_catalogues_products_and_runs_one()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("""{"externalId": "navy-tee", "title": "Navy tee", "category": "tops", "images": [{"source": {"fileKey": "g"}}]}"""), "data" },
            { new ByteArrayContent(TestImages.GarmentFlatLay()), "g", "tee.jpg" },
        };
        await (await merchant.Client.PostAsync("/tryon/v1/products", form)).ShouldBeOkAsync();
        using var visitor = await fixture.SignedInAsync(merchant.AccountId, "catalogue@shop.example");
        var page = await visitor.PageAsync("/dashboard/playground");
        Assert.Contains("<option value=\"navy-tee\">Navy tee (tops)</option>", page, StringComparison.Ordinal);

        using var started = await visitor.UploadAsync(
            "/dashboard/playground",
            new Dictionary<string, string> { ["Source"] = "catalogue", ["ProductExternalId"] = "navy-tee" },
            new Dictionary<string, (string, byte[])> { ["person"] = ("me.png", TestImages.Read("person-astronaut.png")) });
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var generationId = GenerationPage().Match(started.Headers.Location!.OriginalString).Groups["id"].Value;
        await WaitAsync(visitor, generationId);
        Assert.Contains("<code>navy-tee</code>", await visitor.PageAsync($"/dashboard/generations/{generationId}"), StringComparison.Ordinal);
    }

    /// <summary>Runs a try-on through the playground with an uploaded garment; the id of the generation it leads to.</summary>
    private static async Task<string> RunAsync(DashboardVisitor visitor, byte[] person, byte[] garment, string? description)
    {
        var fields = new Dictionary<string, string> { ["Source"] = "upload", ["Category"] = "tops" };
        if (description is not null)
        {
            fields["Description"] = description;
        }

        using var started = await visitor.UploadAsync(
            "/dashboard/playground", fields, new Dictionary<string, (string, byte[])> { ["person"] = ("me.png", person), ["garment"] = ("tee.jpg", garment) });
        Assert.True(started.StatusCode == HttpStatusCode.Redirect, await started.Content.ReadAsStringAsync());
        var match = GenerationPage().Match(started.Headers.Location!.OriginalString);
        Assert.True(match.Success, started.Headers.Location.OriginalString);
        return match.Groups["id"].Value;
    }

    /// <summary>The generation's status once finished, as its page polls it.</summary>
    private static async Task<JsonElement> WaitAsync(DashboardVisitor visitor, string generationId)
    {
        JsonElement status = default;
        await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await visitor.GetAsync($"/dashboard/generations/{generationId}/status");
                status = await response.ShouldBeOkAsync();
                return status.GetProperty("finished").GetBoolean();
            },
            Patience,
            $"{generationId} to finish");
        return status;
    }

    private static async Task RefusedAsync(
        DashboardVisitor visitor, Dictionary<string, string> fields, Dictionary<string, (string, byte[])> files, string expected)
    {
        using var response = await visitor.UploadAsync("/dashboard/playground", fields, files);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {response.Headers.Location}");
        Assert.Contains("data-testid=\"playground-problem\"", html, StringComparison.Ordinal);
        Assert.True(html.Contains(expected, StringComparison.Ordinal), Regex.Match(html, "playground-problem\">[^<]*<p>[^\n]*").Value);
    }

    private static byte[] Jpeg(Image image)
    {
        using (image)
        {
            return image.JpegsaveBuffer();
        }
    }
}
