using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Dashboard;

/// <summary>
/// The dashboard's products, billing and settings pages over HTTP (docs/dashboard.md), billing off: each shows and
/// changes the signed-in user's account only, refuses a form without its token and bad input (changing nothing),
/// and lets members look but not change settings.
/// </summary>
public sealed partial class DashboardAccountPagesTests(DashboardAppFixture fixture) : IClassFixture<DashboardAppFixture>
{
    private static int _users;

    private static string NewEmail(string who) => $"{who}-{Interlocked.Increment(ref _users)}@shop.example";

    [GeneratedRegex("data-product=\"(?<id>[^\"]+)\"")]
    private static partial Regex ProductRow();

    [GeneratedRegex("data-sequence=\"(?<sequence>[0-9]+)\"")]
    private static partial Regex LedgerRow();

    [GeneratedRegex("href=\"(?<href>/dashboard/[a-z]+\\?cursor=[^\"]+)\"")]
    private static partial Regex NextPage();

    // Products

    [Fact]
    public async Task Products_lists_the_account_s_products_newest_first_with_stats_and_thumbnails_and_no_other_account_s()
    {
        var mine = await fixture.CreateMerchantAsync();
        var theirs = await fixture.CreateMerchantAsync();
        await CreateProductAsync(mine.Client, "tee-old", "Old tee");
        await CreateProductAsync(mine.Client, "tee-new", "New tee");
        await CreateProductAsync(theirs.Client, "their-tee", "Their tee");
        await CreateProductAsync(theirs.Client, "tee-old", "Their old tee", red: 250);
        using var visitor = await fixture.SignedInAsync(mine.AccountId, NewEmail("products"));

        var html = await visitor.PageAsync("/dashboard/products");

        Assert.Equal(["tee-new", "tee-old"], ProductRow().Matches(html).Select(match => match.Groups["id"].Value));
        Assert.DoesNotContain("Their", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"generations\">0<", html, StringComparison.Ordinal);
        Assert.Contains("<img src=\"/dashboard/products?externalId=tee-new&amp;handler=Thumbnail\"", html, StringComparison.Ordinal);

        // The thumbnail is this account's image of that id, through the signed-in route; other ids are not found.
        using var thumbnail = await visitor.GetAsync("/dashboard/products?handler=Thumbnail&externalId=tee-old");
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.StartsWith("image/", thumbnail.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        using (var image = NetVips.Image.NewFromBuffer(await thumbnail.Content.ReadAsByteArrayAsync()))
        {
            Assert.InRange(image.Getpoint(10, 10)[0], 25, 35);
        }

        using var foreign = await visitor.GetAsync("/dashboard/products?handler=Thumbnail&externalId=their-tee");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using var anonymous = new DashboardVisitor(fixture.App);
        using var signedOut = await anonymous.GetAsync("/dashboard/products?handler=Thumbnail&externalId=tee-old");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
    }

    [Fact]
    public async Task Products_says_how_to_add_products_when_there_are_none()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var visitor = await fixture.SignedInAsync(merchant.AccountId, NewEmail("empty"));

        var html = await visitor.PageAsync("/dashboard/products");

        Assert.Contains("No products yet", html, StringComparison.Ordinal);
        Assert.Contains("POST /tryon/v1/products", html, StringComparison.Ordinal);
        Assert.Contains("POST /tryon/v1/try-on", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Products_pages_through_the_catalogue_newest_first()
    {
        var merchant = await fixture.CreateMerchantAsync();
        for (var i = 1; i <= 21; i++)
        {
            await CreateProductAsync(merchant.Client, $"p-{i:00}", $"Product {i}");
        }

        using var visitor = await fixture.SignedInAsync(merchant.AccountId, NewEmail("paging"));

        var first = await visitor.PageAsync("/dashboard/products");
        var firstIds = ProductRow().Matches(first).Select(match => match.Groups["id"].Value).ToList();
        Assert.Equal(20, firstIds.Count);
        Assert.Equal("p-21", firstIds[0]);
        var next = WebUtility.HtmlDecode(NextPage().Match(first).Groups["href"].Value);
        var second = await visitor.PageAsync(next);
        Assert.Equal(["p-01"], ProductRow().Matches(second).Select(match => match.Groups["id"].Value));
        Assert.DoesNotContain("rel=\"next\"", second, StringComparison.Ordinal);

        // A damaged cursor is the first page again, said so.
        var damaged = await visitor.PageAsync("/dashboard/products?cursor=%25%25");
        Assert.Contains("not valid any more", damaged, StringComparison.Ordinal);
        Assert.Equal(20, ProductRow().Matches(damaged).Count);
    }

    [Fact]
    public async Task Products_counts_the_product_s_generations()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 3);
        await CreateProductAsync(merchant.Client, "tried", "Tried tee", garment: TestImages.GarmentFlatLay());
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "file", "me.png");
        var imageId = (await (await merchant.Client.PostAsync("/tryon/v1/images/upload", form)).ShouldBeOkAsync()).GetProperty("imageId").GetString()!;
        var started = await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = "tried" } },
            person = new { image = new { source = new { id = imageId } } },
            output = new { watermark = false },
        })).ShouldBeOkAsync();
        var generationId = started.GetProperty("generationId").GetString()!;
        var generation = started;
        await Eventually.HoldsAsync(
            async () => (generation = await (await merchant.Client.GetAsync($"/tryon/v1/generations/{generationId}")).ShouldBeOkAsync())
                .GetProperty("status").GetString() is "COMPLETED" or "FAILED",
            TimeSpan.FromSeconds(30),
            () => "the try-on to finish: " + generation);
        var completed = generation.GetProperty("status").GetString() == "COMPLETED";
        using var visitor = await fixture.SignedInAsync(merchant.AccountId, NewEmail("stats"));

        // Should the engine refuse the garment, the failed try-on is counted instead.
        var html = "";
        await Eventually.HoldsAsync(
            async () => (html = await visitor.PageAsync("/dashboard/products")).Contains("data-testid=\"generations\">1<", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            () => "the try-on to be counted");
        Assert.Contains($"data-testid=\"completed\">{(completed ? 1 : 0)}<", html, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"failed\">{(completed ? 0 : 1)}<", html, StringComparison.Ordinal);
        Assert.Matches(completed ? "data-label=\"Average time\">[0-9]+\\.[0-9] s<" : "data-label=\"Average time\">–<", WebUtility.HtmlDecode(html));
    }

    [Fact]
    public async Task Deleting_a_product_removes_it_as_the_API_does_and_never_another_account_s()
    {
        var mine = await fixture.CreateMerchantAsync();
        var theirs = await fixture.CreateMerchantAsync();
        await CreateProductAsync(mine.Client, "goner", "Goner");
        await CreateProductAsync(mine.Client, "keeper", "Keeper");
        await CreateProductAsync(theirs.Client, "theirs", "Theirs");
        using var visitor = await fixture.SignedInAsync(mine.AccountId, NewEmail("delete"));

        using var forged = await visitor.SubmitAsync("/dashboard/products", Fields(("externalId", "goner")), "/dashboard/products?handler=Delete", withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await (await mine.Client.GetAsync("/tryon/v1/products/goner")).ShouldBeOkAsync();

        using var deleted = await visitor.SubmitAsync("/dashboard/products", Fields(("externalId", "goner")), "/dashboard/products?handler=Delete");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        await (await mine.Client.GetAsync("/tryon/v1/products/goner")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        Assert.Equal(["keeper"], ProductRow().Matches(await visitor.PageAsync("/dashboard/products")).Select(match => match.Groups["id"].Value));

        foreach (var id in new[] { "theirs", "goner", "bad id/with slash" })
        {
            using var refused = await visitor.SubmitAsync("/dashboard/products", Fields(("externalId", id)), "/dashboard/products?handler=Delete");
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("not one of this account", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await (await theirs.Client.GetAsync("/tryon/v1/products/theirs")).ShouldBeOkAsync();
    }

    // Billing, not configured here (DashboardBillingTests has it configured)

    [Fact]
    public async Task Billing_without_Stripe_says_so_refuses_to_buy_and_lists_the_account_s_ledger_newest_first()
    {
        var mine = await fixture.CreateMerchantAsync();
        var theirs = await fixture.CreateMerchantAsync();
        await GrantAsync(mine.AccountId, 5, "welcome bonus");
        await GrantAsync(mine.AccountId, -2, "goodwill correction");
        await GrantAsync(theirs.AccountId, 7, "their secret deal");
        using var visitor = await fixture.SignedInAsync(mine.AccountId, NewEmail("billing"));

        var html = await visitor.PageAsync("/dashboard/billing");

        Assert.Contains("data-testid=\"billing-off\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Buy", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"credit-balance\">13<", html, StringComparison.Ordinal);
        Assert.DoesNotContain("their secret deal", html, StringComparison.Ordinal);
        var sequences = LedgerRow().Matches(html).Select(match => long.Parse(match.Groups["sequence"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(sequences.OrderDescending(), sequences);
        Assert.True(html.IndexOf("goodwill correction", StringComparison.Ordinal) < html.IndexOf("welcome bonus", StringComparison.Ordinal), "Newest first.");
        Assert.Contains("data-testid=\"amount\">-2<", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("data-testid=\"amount\">+5<", WebUtility.HtmlDecode(html), StringComparison.Ordinal);

        using var buy = await visitor.SubmitAsync("/dashboard/billing", Fields(("pack", "starter")), "/dashboard/billing?handler=Buy");
        Assert.Equal(HttpStatusCode.OK, buy.StatusCode);
        Assert.Contains("not set up on this server", await buy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var forged = await visitor.SubmitAsync("/dashboard/billing", Fields(("pack", "starter")), "/dashboard/billing?handler=Buy", withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task Billing_pages_through_the_ledger()
    {
        var merchant = await fixture.CreateMerchantAsync();
        for (var i = 1; i <= 26; i++)
        {
            await GrantAsync(merchant.AccountId, 1, $"grant number {i}.");
        }

        using var visitor = await fixture.SignedInAsync(merchant.AccountId, NewEmail("ledger"));
        var first = await visitor.PageAsync("/dashboard/billing");
        Assert.Equal(25, LedgerRow().Matches(first).Count);
        Assert.Contains("grant number 26.", first, StringComparison.Ordinal);
        var next = WebUtility.HtmlDecode(NextPage().Match(first).Groups["href"].Value);
        var second = await visitor.PageAsync(next);
        Assert.DoesNotContain("grant number 26.", second, StringComparison.Ordinal);
        Assert.Contains("grant number 1.", second, StringComparison.Ordinal);
        var all = LedgerRow().Matches(first).Concat(LedgerRow().Matches(second)).Select(match => match.Groups["sequence"].Value).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());

        // Another list's cursor (not a ledger sequence) is the first page again.
        var products = PageCursorOf("p-01");
        Assert.Contains("not valid any more", await visitor.PageAsync("/dashboard/billing?cursor=" + products), StringComparison.Ordinal);
    }

    // Settings

    [Fact]
    public async Task An_owner_uploads_replaces_and_removes_the_logo_of_their_account_only()
    {
        var mine = await fixture.CreateMerchantAsync();
        var theirs = await fixture.CreateMerchantAsync();
        using var visitor = await fixture.SignedInAsync(mine.AccountId, NewEmail("logo"));
        Assert.Contains("data-testid=\"no-logo\"", await visitor.PageAsync("/dashboard/settings"), StringComparison.Ordinal);

        var (status, location, _) = await UploadLogoAsync(visitor, Png(220, 20, 20), "logo.png");
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal("/dashboard/settings?saved=logo", location);
        Assert.True(await HasLogoAsync(mine.AccountId));
        Assert.False(await HasLogoAsync(theirs.AccountId));
        var page = await visitor.PageAsync("/dashboard/settings?saved=logo");
        Assert.Contains("The logo is saved", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"logo-preview\"", page, StringComparison.Ordinal);
        AssertRed(220, await LogoRedAsync(visitor));

        (status, _, _) = await UploadLogoAsync(visitor, Png(20, 20, 220), "blue.png");
        Assert.Equal(HttpStatusCode.Redirect, status);
        AssertRed(20, await LogoRedAsync(visitor));

        // Over the service's 1 MiB default body size: the settings page takes logos up to 10 MiB.
        using (var noise = NetVips.Image.Gaussnoise(800, 800, mean: 128, sigma: 60).Bandjoin([NetVips.Image.Gaussnoise(800, 800, mean: 128, sigma: 60), NetVips.Image.Gaussnoise(800, 800, mean: 128, sigma: 60), NetVips.Image.Black(800, 800) + 255]).Cast(NetVips.Enums.BandFormat.Uchar))
        {
            var large = TestImages.Png(noise);
            Assert.True(large.Length > 1024 * 1024, $"The noisy logo should be over 1 MiB; it is {large.Length} bytes.");
            (status, _, _) = await UploadLogoAsync(visitor, large, "large.png");
            Assert.Equal(HttpStatusCode.Redirect, status);
        }

        using var removed = await visitor.SubmitAsync("/dashboard/settings", Fields(), "/dashboard/settings?handler=RemoveLogo");
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.False(await HasLogoAsync(mine.AccountId));
        using var gone = await visitor.GetAsync("/dashboard/settings?handler=Logo");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_logo_that_is_not_a_PNG_or_comes_without_its_token_is_refused_and_changes_nothing()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var visitor = await fixture.SignedInAsync(merchant.AccountId, NewEmail("badlogo"));
        var (status, _, _) = await UploadLogoAsync(visitor, Png(220, 20, 20), "logo.png");
        Assert.Equal(HttpStatusCode.Redirect, status);

        foreach (var (bytes, name) in new[] { ("not an image at all"u8.ToArray(), "logo.png"), (TestImages.Jpeg(TestImages.Solid(64, 64, 1, 2, 3)), "logo.jpg"), (TestImages.Truncated(Png(1, 2, 3)), "cut.png") })
        {
            var (refused, _, body) = await UploadLogoAsync(visitor, bytes, name);
            Assert.Equal(HttpStatusCode.OK, refused);
            Assert.Contains("class=\"problem\"", body, StringComparison.Ordinal);
            AssertRed(220, await LogoRedAsync(visitor));
        }

        var (forged, _, _) = await UploadLogoAsync(visitor, Png(20, 20, 220), "logo.png", withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged);
        AssertRed(220, await LogoRedAsync(visitor));
        using var removal = await visitor.SubmitAsync("/dashboard/settings", Fields(), "/dashboard/settings?handler=RemoveLogo", withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, removal.StatusCode);
        Assert.True(await HasLogoAsync(merchant.AccountId));
    }

    [Fact]
    public async Task An_owner_sets_the_retention_within_the_admin_API_s_presets_for_their_account_only()
    {
        var mine = await fixture.CreateMerchantAsync();
        var theirs = await fixture.CreateMerchantAsync();
        using var visitor = await fixture.SignedInAsync(mine.AccountId, NewEmail("retention"));

        using var saved = await visitor.SubmitAsync("/dashboard/settings", Fields(("retentionDays", "3")), "/dashboard/settings?handler=Retention");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(3, await RetentionAsync(mine.AccountId));
        Assert.Equal(7, await RetentionAsync(theirs.AccountId));
        Assert.Contains("data-testid=\"retention-days\">3<", await visitor.PageAsync("/dashboard/settings"), StringComparison.Ordinal);

        foreach (var days in new[] { "5", "0", "30", "-1", "three", "" })
        {
            using var refused = await visitor.SubmitAsync("/dashboard/settings", Fields(("retentionDays", days)), "/dashboard/settings?handler=Retention");
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("Choose how many days", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var forged = await visitor.SubmitAsync("/dashboard/settings", Fields(("retentionDays", "1")), "/dashboard/settings?handler=Retention", withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(3, await RetentionAsync(mine.AccountId));
    }

    [Fact]
    public async Task An_owner_adds_a_webhook_endpoint_sees_its_secret_once_and_removes_it_never_touching_another_account_s()
    {
        var mine = await fixture.CreateMerchantAsync();
        var theirs = await fixture.CreateMerchantAsync();
        var theirEndpoint = await (await theirs.Client.PostAsJsonAsync("/tryon/v1/webhook-endpoints", new { url = "https://their.example/hooks", events = new[] { "generation.completed" } }))
            .ShouldBeOkAsync(HttpStatusCode.Created);
        var theirId = theirEndpoint.GetProperty("id").GetString()!;
        using var visitor = await fixture.SignedInAsync(mine.AccountId, NewEmail("webhooks"));
        Assert.Contains("No webhook endpoints yet", await visitor.PageAsync("/dashboard/settings"), StringComparison.Ordinal);

        using var added = await visitor.SubmitAsync(
            "/dashboard/settings", Fields(("url", "https://hooks.shop.example/tryon"), ("events", "generation.completed")), "/dashboard/settings?handler=AddWebhook");
        var html = await added.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var secret = Regex.Match(html, "data-testid=\"webhook-secret\">(?<secret>[^<]+)<").Groups["secret"].Value;
        Assert.False(string.IsNullOrEmpty(secret), "The new endpoint's secret should be shown.");
        var listed = Assert.Single((await (await mine.Client.GetAsync("/tryon/v1/webhook-endpoints")).ShouldBeOkAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal("https://hooks.shop.example/tryon", listed.GetProperty("url").GetString());
        Assert.Equal(["generation.completed"], listed.GetProperty("events").EnumerateArray().Select(type => type.GetString()));
        var page = await visitor.PageAsync("/dashboard/settings");
        Assert.Contains("hooks.shop.example/tryon", page, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, page, StringComparison.Ordinal);
        Assert.DoesNotContain("their.example", page, StringComparison.Ordinal);

        using var foreign = await visitor.SubmitAsync("/dashboard/settings", Fields(("endpointId", theirId)), "/dashboard/settings?handler=DeleteWebhook");
        Assert.Contains("not one of this account", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single((await (await theirs.Client.GetAsync("/tryon/v1/webhook-endpoints")).ShouldBeOkAsync()).GetProperty("items").EnumerateArray());

        var myId = listed.GetProperty("id").GetString()!;
        using var forged = await visitor.SubmitAsync("/dashboard/settings", Fields(("endpointId", myId)), "/dashboard/settings?handler=DeleteWebhook", withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var removed = await visitor.SubmitAsync("/dashboard/settings", Fields(("endpointId", myId)), "/dashboard/settings?handler=DeleteWebhook");
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Empty((await (await mine.Client.GetAsync("/tryon/v1/webhook-endpoints")).ShouldBeOkAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_bad_webhook_endpoint_or_one_without_its_token_is_refused_and_nothing_is_added()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var visitor = await fixture.SignedInAsync(merchant.AccountId, NewEmail("badhook"));

        foreach (var fields in new[]
        {
            Fields(("url", "not an address"), ("events", "generation.completed")),
            Fields(("url", "ftp://hooks.shop.example/tryon"), ("events", "generation.completed")),
            Fields(("url", "https://user:pass@hooks.shop.example/tryon"), ("events", "generation.completed")),
            Fields(("url", "https://hooks.shop.example/tryon")),
            Fields(("url", "https://hooks.shop.example/tryon"), ("events", "generation.started")),
        })
        {
            using var refused = await visitor.SubmitAsync("/dashboard/settings", fields, "/dashboard/settings?handler=AddWebhook");
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("class=\"problem\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("data-testid=\"webhook-secret\"", html, StringComparison.Ordinal);
        }

        using var forged = await visitor.SubmitAsync(
            "/dashboard/settings", Fields(("url", "https://hooks.shop.example/tryon"), ("events", "generation.completed")), "/dashboard/settings?handler=AddWebhook", withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Empty((await (await merchant.Client.GetAsync("/tryon/v1/webhook-endpoints")).ShouldBeOkAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_member_sees_settings_and_billing_but_cannot_change_them()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var owner = await fixture.SignedInAsync(merchant.AccountId, NewEmail("owner"));
        var (status, _, _) = await UploadLogoAsync(owner, Png(220, 20, 20), "logo.png");
        Assert.Equal(HttpStatusCode.Redirect, status);
        await (await merchant.Client.PostAsJsonAsync("/tryon/v1/webhook-endpoints", new { url = "https://hooks.shop.example/a", events = new[] { "generation.failed" } }))
            .ShouldBeOkAsync(HttpStatusCode.Created);
        var endpointId = (await (await merchant.Client.GetAsync("/tryon/v1/webhook-endpoints")).ShouldBeOkAsync()).GetProperty("items")[0].GetProperty("id").GetString()!;
        using var member = await fixture.SignedInAsync(merchant.AccountId, NewEmail("member"), "member");

        var settings = await member.PageAsync("/dashboard/settings");
        Assert.Contains("data-testid=\"owners-change\"", settings, StringComparison.Ordinal);
        Assert.Contains("hooks.shop.example/a", settings, StringComparison.Ordinal);
        Assert.DoesNotContain("action=\"/dashboard/settings?handler=", settings, StringComparison.Ordinal);
        AssertRed(220, await LogoRedAsync(member));
        Assert.DoesNotContain("handler=Buy", await member.PageAsync("/dashboard/billing"), StringComparison.Ordinal);

        foreach (var (handler, fields) in new[]
        {
            ("Retention", Fields(("retentionDays", "1"))),
            ("RemoveLogo", Fields()),
            ("AddWebhook", Fields(("url", "https://hooks.shop.example/b"), ("events", "generation.completed"))),
            ("DeleteWebhook", Fields(("endpointId", endpointId))),
        })
        {
            using var refused = await member.SubmitAsync("/dashboard/settings", fields, "/dashboard/settings?handler=" + handler);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("Only the account's owners", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var (logo, _, _) = await UploadLogoAsync(member, Png(20, 20, 220), "logo.png");
        Assert.Equal(HttpStatusCode.Forbidden, logo);
        using var buy = await member.SubmitAsync("/dashboard/billing", Fields(("pack", "starter")), "/dashboard/billing?handler=Buy");
        Assert.Equal(HttpStatusCode.Forbidden, buy.StatusCode);

        Assert.Equal(7, await RetentionAsync(merchant.AccountId));
        AssertRed(220, await LogoRedAsync(owner));
        Assert.Single((await (await merchant.Client.GetAsync("/tryon/v1/webhook-endpoints")).ShouldBeOkAsync()).GetProperty("items").EnumerateArray());

        // Members do delete products: the catalogue is day-to-day work, as keys are.
        await CreateProductAsync(merchant.Client, "member-made", "Member tee");
        using var deleted = await member.SubmitAsync("/dashboard/products", Fields(("externalId", "member-made")), "/dashboard/products?handler=Delete");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
    }

    internal static Dictionary<string, string> Fields(params (string Name, string Value)[] fields) =>
        fields.ToDictionary(field => field.Name, field => field.Value);

    internal static async Task CreateProductAsync(HttpClient client, string externalId, string title, byte red = 30, byte[]? garment = null)
    {
        using var solid = TestImages.Solid(200, 240, red, 90, 200);
        using var form = new MultipartFormDataContent
        {
            { new StringContent($$$"""{"externalId": "{{{externalId}}}", "title": "{{{title}}}", "category": "tops", "images": [{"source": {"fileKey": "g"}, "classifications": {"flat_lay": true}}]}"""), "data" },
        };
        form.Add(new ByteArrayContent(garment ?? TestImages.Png(solid)), "g", "g.png");
        await (await client.PostAsync("/tryon/v1/products", form)).ShouldBeOkAsync();
    }

    private static string PageCursorOf(string sortKey) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(sortKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Png(byte red, byte green, byte blue)
    {
        using var image = TestImages.Solid(120, 60, red, green, blue, 255);
        return TestImages.Png(image);
    }

    private async Task GrantAsync(string accountId, long amount, string reason) =>
        await (await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/credits", new { amount, reason })).ShouldBeOkAsync();

    private async Task<JsonElement> AccountAsync(string accountId) =>
        await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{accountId}")).ShouldBeOkAsync();

    private async Task<bool> HasLogoAsync(string accountId) => (await AccountAsync(accountId)).GetProperty("hasLogo").GetBoolean();

    private async Task<int> RetentionAsync(string accountId) => (await AccountAsync(accountId)).GetProperty("retentionDays").GetInt32();

    private static void AssertRed(double expected, double red) => Assert.InRange(red, expected - 3, expected + 3);

    /// <summary>The red of the logo's middle, as the settings page's preview serves it.</summary>
    private static async Task<double> LogoRedAsync(DashboardVisitor visitor)
    {
        using var response = await visitor.GetAsync("/dashboard/settings?handler=Logo");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        using var image = NetVips.Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync());
        return image.Getpoint(image.Width / 2, image.Height / 2)[0];
    }

    /// <summary>Posts the settings page's logo form as a browser does: multipart, with the page's antiforgery token unless told not to.</summary>
    private async Task<(HttpStatusCode Status, string? Location, string Body)> UploadLogoAsync(DashboardVisitor visitor, byte[] bytes, string fileName, bool withToken = true)
    {
        var html = await visitor.PageAsync("/dashboard/settings");
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = visitor.Cookies, AllowAutoRedirect = false }) { BaseAddress = fixture.App.Start() };
        using var form = new MultipartFormDataContent();
        if (withToken)
        {
            var token = Regex.Match(html, "name=\"__antiforgery\" type=\"hidden\" value=\"(?<token>[^\"]+)\"").Groups["token"].Value;
            form.Add(new StringContent(WebUtility.HtmlDecode(token)), "__antiforgery");
        }

        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "logo", fileName);
        using var response = await client.PostAsync(new Uri("/dashboard/settings?handler=Logo", UriKind.Relative), form);
        return (response.StatusCode, response.Headers.Location?.OriginalString, await response.Content.ReadAsStringAsync());
    }
}
