using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium through Playwright): a merchant invited by the operator chooses a
/// password, signs out and in again, creates a key, calls the API with it, revokes it and is refused; at 1280 and 390
/// pixels wide, with no Content-Security-Policy violation and nothing loaded from elsewhere; an owner invites a member on
/// the team page, who joins, sees no owner's forms and is removed; try-ons from the API and the playground show with
/// their images, and another account's user sees none of them. With
/// <c>TRYON_DASHBOARD_SCREENSHOTS</c> set to a folder, the pages are saved there (docs/dashboard/ holds them).
/// </summary>
public sealed class DashboardBrowserTests(DashboardAppFixture fixture) : IClassFixture<DashboardAppFixture>
{
    private const string Password = "a long and sunny afternoon";

    [ChromiumFact]
    public async Task An_invited_merchant_signs_in_creates_a_key_calls_the_api_and_revokes_it()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var invitation = await (await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/invitations", new { email = "owner@shop.example", role = "owner" }))
            .ShouldBeOkAsync(HttpStatusCode.Created);
        var origin = fixture.App.Start().GetLeftPart(UriPartial.Authority);

        await using var chromium = await ChromiumSession.StartAsync();
        var browser = chromium.Browser;
        foreach (var width in new[] { 1280, 390 })
        {
            var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 900 } });
            var page = await context.NewPageAsync();
            var problems = Watch(page, origin);
            var shots = Screenshots(width);

            if (width == 1280)
            {
                await page.GotoAsync(origin + invitation.GetProperty("url").GetString());
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Join Test shop" }));
                await shots(page, "invitation");
                await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
                await page.GetByLabel("Password again").FillAsync(Password);
                await page.GetByRole(AriaRole.Button, new() { Name = "Save the password and sign in" }).ClickAsync();
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" }));
                await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            }
            else
            {
                await page.GotoAsync(origin + "/dashboard");
            }

            // Signed out, a page sends the browser to sign in, and back to it afterwards.
            await AtSignInAsync(page);
            await shots(page, "sign-in");
            await page.GetByLabel("E-mail address").FillAsync("owner@shop.example");
            await page.GetByLabel("Password").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" }));
            Assert.Equal("Test shop", await page.GetByTestId("account-name").TextContentAsync());
            Assert.Equal("10", await page.GetByTestId("credit-balance").TextContentAsync());
            await shots(page, "overview");

            // Keyboard only: the keys page, a name, Enter.
            await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API keys" }));
            await page.GetByLabel("Name").FillAsync($"storefront {width}");
            await page.Keyboard.PressAsync("Enter");
            var secret = (await page.GetByTestId("new-key").TextContentAsync())!.Trim();
            Assert.StartsWith("gk_", secret, StringComparison.Ordinal);
            await shots(page, "keys-new");

            using var api = fixture.App.CreateMerchantClient(secret);
            await (await api.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke storefront {width}" }).ClickAsync();
            await Expect(page.Locator("tr", new() { HasText = $"storefront {width}" }).GetByText("revoked"));
            await shots(page, "keys");
            await Eventually.HoldsAsync(
                async () => (await api.GetAsync("/tryon/v1/account/credits")).StatusCode == HttpStatusCode.Unauthorized,
                TimeSpan.FromSeconds(1),
                "the revoked key to be refused");
            await (await api.GetAsync("/tryon/v1/account/credits")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "INVALID_API_KEY");

            // Nothing wider than the window.
            await NothingWiderAsync(page, "keys", width);
            Assert.True(problems.IsEmpty, string.Join("\n", problems));
            await context.CloseAsync();
        }
    }

    [ChromiumFact]
    public async Task An_owner_invites_a_member_on_the_team_page_who_joins_sees_no_owner_forms_and_is_removed()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var origin = fixture.App.Start().GetLeftPart(UriPartial.Authority);

        await using var chromium = await ChromiumSession.StartAsync();
        var browser = chromium.Browser;
        foreach (var width in new[] { 1280, 390 })
        {
            var ownerEmail = $"owner-{width}@team.example";
            var memberEmail = $"member-{width}@team.example";
            var invitation = await fixture.InviteAsync(merchant.AccountId, ownerEmail, "owner");
            var owner = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 900 } });
            var page = await owner.NewPageAsync();
            var problems = Watch(page, origin);
            await JoinAsync(page, origin + invitation.GetProperty("url").GetString());

            await page.GetByRole(AriaRole.Link, new() { Name = "Team" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Team" }));
            await page.GetByLabel("E-mail address").FillAsync(memberEmail);
            await page.GetByLabel("Role").SelectOptionAsync("member");
            await page.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
            var link = (await page.GetByTestId("invitation-link").TextContentAsync())!.Trim();
            Assert.StartsWith("/dashboard/links/inv_", link, StringComparison.Ordinal);
            await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^(Copied|Selected)") }));
            await Screenshots(width)(page, "team-invited");
            await NothingWiderAsync(page, "team", width);

            var member = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 900 } });
            var memberPage = await member.NewPageAsync();
            var memberProblems = Watch(memberPage, origin);
            await JoinAsync(memberPage, origin + link);
            await memberPage.GotoAsync(origin + "/dashboard/team");
            await Expect(memberPage.Locator("tr", new() { HasText = ownerEmail }));
            Assert.Equal(0, await memberPage.GetByRole(AriaRole.Button, new() { Name = "Invite" }).CountAsync());
            Assert.Equal(0, await memberPage.GetByRole(AriaRole.Button, new() { Name = "Remove" }).CountAsync());

            await page.GotoAsync(origin + "/dashboard/team");
            await page.GetByRole(AriaRole.Button, new() { Name = $"Remove {memberEmail}" }).ClickAsync();
            await page.Locator("tr", new() { HasText = memberEmail }).WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 10_000 });
            await Screenshots(width)(page, "team");
            await memberPage.ReloadAsync();
            await AtSignInAsync(memberPage);

            Assert.True(problems.IsEmpty, string.Join("\n", problems));
            Assert.True(memberProblems.IsEmpty, string.Join("\n", memberProblems));
            await member.CloseAsync();
            await owner.CloseAsync();
        }
    }

    [ChromiumFact]
    public async Task A_merchants_try_ons_from_the_api_and_the_playground_show_with_their_images_and_no_one_else_sees_them()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var origin = fixture.App.Start().GetLeftPart(UriPartial.Authority);
        await using var chromium = await ChromiumSession.StartAsync();
        var browser = chromium.Browser;
        foreach (var width in new[] { 1280, 390 })
        {
            var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 900 } });
            var page = await context.NewPageAsync();
            var problems = Watch(page, origin);
            var shots = Screenshots(width);
            await InviteAndJoinAsync(page, origin, merchant.AccountId, $"runner-{width}@shop.example");

            // A try-on through the API with a key made here shows in the list, with its photo and result.
            await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
            await page.GetByLabel("Name").FillAsync($"server {width}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create a key" }).ClickAsync();
            using var api = fixture.App.CreateMerchantClient((await page.GetByTestId("new-key").TextContentAsync())!.Trim());
            var fromApi = await StartTryOnAsync(api);
            await page.GetByRole(AriaRole.Link, new() { Name = "Generations" }).ClickAsync();
            await Eventually.HoldsAsync(
                async () =>
                {
                    await page.ReloadAsync();
                    return await page.Locator($"tr[data-generation-id='{fromApi}']").GetByText("Completed").CountAsync() == 1;
                },
                TimeSpan.FromSeconds(60),
                "the API's try-on to show as completed");
            await AssertImagesLoadedAsync(page.Locator($"tr[data-generation-id='{fromApi}'] img"), 2);

            // The playground: a photo and a garment, run, followed to its result.
            await page.GetByRole(AriaRole.Link, new() { Name = "Playground" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Playground" }));
            await page.GetByLabel("A photo of a person").SetInputFilesAsync(new FilePayload { Name = "me.png", MimeType = "image/png", Buffer = TestImages.Read("person-astronaut.png") });
            await page.GetByLabel("A garment photo, tried once").CheckAsync();
            await page.GetByLabel("Garment photo", new() { Exact = true }).SetInputFilesAsync(new FilePayload { Name = "tee.jpg", MimeType = "image/jpeg", Buffer = TestImages.GarmentFlatLay() });
            await page.GetByLabel("Description (optional)").FillAsync("navy tee");
            await shots(page, "playground");
            await page.GetByRole(AriaRole.Button, new() { Name = "Run the try-on (1 credit)" }).ClickAsync();
            await page.GetByTestId("result-image").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 60_000 });
            Assert.Equal("Completed", await page.GetByTestId("generation-status").TextContentAsync());
            await AssertImagesLoadedAsync(page.Locator(".pair img"), 2);
            await shots(page, "generation");
            var fromPlayground = page.Url[(page.Url.LastIndexOf('/') + 1)..];

            await page.GetByRole(AriaRole.Link, new() { Name = "Generations" }).First.ClickAsync();
            await Expect(page.Locator($"tr[data-generation-id='{fromPlayground}']"));
            await AssertImagesLoadedAsync(page.Locator($"tr[data-generation-id='{fromApi}'] img, tr[data-generation-id='{fromPlayground}'] img"), 4);
            await shots(page, "generations");
            await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
            Assert.Equal(width == 1280 ? "2" : "4", await page.GetByTestId("month-generations").TextContentAsync());
            await page.GetByTestId("daily-chart").WaitForAsync();
            await shots(page, "overview-activity");

            // Every page of the menu opens, fits the window and breaks no rule.
            var menu = await page.Locator("nav[aria-label='Dashboard'] a").AllAsync();
            var links = new List<(string Name, string Href)>();
            foreach (var link in menu)
            {
                links.Add(((await link.TextContentAsync())!.Trim(), (await link.GetAttributeAsync("href"))!));
            }

            foreach (var (name, href) in links)
            {
                var response = await page.GotoAsync(origin + href);
                Assert.Equal(200, response!.Status);
                await NothingWiderAsync(page, name, width);
            }

            Assert.True(problems.IsEmpty, string.Join("\n", problems));
            await context.CloseAsync();
        }

        // A user of another account sees none of it, in the list, by its address, or by its images' addresses.
        var other = await fixture.CreateMerchantAsync();
        var stranger = await browser.NewContextAsync();
        var strangerPage = await stranger.NewPageAsync();
        await InviteAndJoinAsync(strangerPage, origin, other.AccountId, "stranger@elsewhere.example", "member");
        var someone = await StartTryOnAsync(merchant.Client);
        await strangerPage.GotoAsync(origin + "/dashboard/generations");
        Assert.Equal(0, await strangerPage.Locator($"tr[data-generation-id='{someone}']").CountAsync());
        Assert.Equal(404, (await strangerPage.GotoAsync($"{origin}/dashboard/generations/{someone}"))!.Status);
        await Expect(strangerPage.GetByRole(AriaRole.Heading, new() { Name = "Generation not found" }));
        Assert.Equal(404, (await strangerPage.GotoAsync($"{origin}/dashboard/generations/{someone}/images/person"))!.Status);

        // Its cookie, copied before signing out, opens nothing afterwards.
        await strangerPage.GotoAsync(origin + "/dashboard");
        var cookies = await stranger.CookiesAsync();
        await strangerPage.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await AtSignInAsync(strangerPage);
        var thief = await browser.NewContextAsync();
        await thief.AddCookiesAsync(cookies.Select(cookie => new Microsoft.Playwright.Cookie { Name = cookie.Name, Value = cookie.Value, Domain = cookie.Domain, Path = cookie.Path }));
        var thiefPage = await thief.NewPageAsync();
        await thiefPage.GotoAsync(origin + "/dashboard");
        await AtSignInAsync(thiefPage);
        await thief.CloseAsync();
        await stranger.CloseAsync();
    }

    /// <summary>
    /// The sign-in page is showing (the page a signed-out browser is sent to). Waits for its heading rather than for the
    /// address and a load event: after a form post answered with redirects, Playwright's wait for a URL can match
    /// mid-way and then wait for a load event it has missed.
    /// </summary>
    private static async Task AtSignInAsync(IPage page)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to your dashboard" }));
        Assert.Contains("/dashboard/sign-in", page.Url, StringComparison.Ordinal);
    }

    /// <summary>The operator invites <paramref name="email"/>; the invitee chooses a password in the browser and lands on the overview.</summary>
    private async Task InviteAndJoinAsync(IPage page, string origin, string accountId, string email, string role = "owner")
    {
        var url = (await fixture.InviteAsync(accountId, email, role)).GetProperty("url").GetString();
        await JoinAsync(page, origin + url);
    }

    /// <summary>Chooses <see cref="Password"/> on an invitation and lands on the overview.</summary>
    private static async Task JoinAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Password again").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the password and sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" }));
    }

    /// <summary>A try-on through the API: the test person and a flat-laid tee, uploaded in one request.</summary>
    private static async Task<string> StartTryOnAsync(HttpClient api)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("""{"products": [{"category": "tops", "images": [{"source": {"fileKey": "g"}}]}], "person": {"image": {"source": {"fileKey": "me"}}}}"""), "data" },
            { new ByteArrayContent(TestImages.GarmentFlatLay()), "g", "tee.jpg" },
            { new ByteArrayContent(TestImages.Read("person-astronaut.png")), "me", "me.png" },
        };
        return (await (await api.PostAsync("/tryon/v1/try-on", form)).ShouldBeOkAsync()).GetProperty("generationId").GetString()!;
    }

    /// <summary>Exactly <paramref name="count"/> images, each decoded by the browser (none broken).</summary>
    private static async Task AssertImagesLoadedAsync(ILocator images, int count)
    {
        Assert.Equal(count, await images.CountAsync());
        foreach (var image in await images.AllAsync())
        {
            await image.ScrollIntoViewIfNeededAsync();
            await Eventually.HoldsAsync(
                async () => await image.EvaluateAsync<bool>("image => image.complete && image.naturalWidth > 0"),
                TimeSpan.FromSeconds(10),
                "an image to load");
        }
    }

    /// <summary>Nothing on the page is wider than the window: it never scrolls sideways.</summary>
    internal static async Task NothingWiderAsync(IPage page, string name, int width) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"the {name} page scrolls sideways at {width} px");

    /// <summary>Waits until <paramref name="locator"/> is visible (a bounded wait, not a timing assertion).</summary>
    internal static async Task Expect(ILocator locator) =>
        await locator.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 30_000 });

    /// <summary>Console errors, policy violations, failed requests and any request to another origin.</summary>
    internal static ConcurrentQueue<string> Watch(IPage page, string origin)
    {
        var problems = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" || message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                problems.Enqueue($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Enqueue($"page error: {error}");
        page.RequestFailed += (_, request) => problems.Enqueue($"request failed: {request.Url} {request.Failure}");
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(origin, StringComparison.Ordinal))
            {
                problems.Enqueue($"request elsewhere: {request.Url}");
            }
        };
        return problems;
    }

    internal static Func<IPage, string, Task> Screenshots(int width)
    {
        var folder = Environment.GetEnvironmentVariable("TRYON_DASHBOARD_SCREENSHOTS");
        return async (page, name) =>
        {
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
                await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}-{width}.png"), FullPage = true });
            }
        };
    }
}
