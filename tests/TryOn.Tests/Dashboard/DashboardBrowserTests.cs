using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium through Playwright): a merchant invited by the operator chooses a
/// password, signs out and in again, creates a key, calls the API with it, revokes it and is refused; at 1280 and 390
/// pixels wide, with no Content-Security-Policy violation and nothing loaded from elsewhere. With
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

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumFactAttribute.ExecutablePath, Headless = true });
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
            await page.WaitForURLAsync("**/dashboard/sign-in**");
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
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"the keys page scrolls sideways at {width} px");
            Assert.True(problems.IsEmpty, string.Join("\n", problems));
            await context.CloseAsync();
        }
    }

    private static async Task Expect(ILocator locator) =>
        await locator.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 10_000 });

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
