using System.Net.Http.Json;
using Microsoft.Playwright;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Dashboard;

/// <summary>
/// The products, billing and settings pages in Chromium at 1280 and 390 pixels: an owner reaches each from the nav with
/// the keyboard, sees the products' thumbnails, uploads a logo, saves the retention, adds a webhook endpoint and sees
/// its secret; nothing violates the policy, nothing comes from elsewhere, nothing is wider than the window. With
/// <c>TRYON_DASHBOARD_SCREENSHOTS</c> set to a folder, the pages are saved there.
/// </summary>
public sealed class DashboardAccountPagesBrowserTests(DashboardAppFixture fixture) : IClassFixture<DashboardAppFixture>
{
    [ChromiumFact]
    public async Task An_owner_uses_the_products_billing_and_settings_pages_at_1280_and_390_pixels()
    {
        var merchant = await fixture.CreateMerchantAsync();
        await DashboardAccountPagesTests.CreateProductAsync(merchant.Client, "denim-shirt", "Denim shirt");
        await DashboardAccountPagesTests.CreateProductAsync(merchant.Client, "linen-tee", "Linen tee", red: 200);
        await (await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/credits", new { amount = 40, reason = "Welcome credits" })).ShouldBeOkAsync();
        var invitation = await fixture.InviteAsync(merchant.AccountId, "pages@shop.example", "owner");
        var origin = fixture.App.Start().GetLeftPart(UriPartial.Authority);
        using var logo = TestImages.Solid(240, 80, 47, 95, 208, 255);
        var logoFile = Path.Combine(Path.GetTempPath(), $"tryon-logo-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(logoFile, TestImages.Png(logo));

        await using var chromium = await ChromiumSession.StartAsync();
        var browser = chromium.Browser;
        try
        {
            foreach (var width in new[] { 1280, 390 })
            {
                var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 900 } });
                var page = await context.NewPageAsync();
                var problems = DashboardBrowserTests.Watch(page, origin);
                var shots = DashboardBrowserTests.Screenshots(width);
                if (width == 1280)
                {
                    await page.GotoAsync(origin + invitation.GetProperty("url").GetString());
                    await page.GetByLabel("Password", new() { Exact = true }).FillAsync(DashboardAppFixture.Password);
                    await page.GetByLabel("Password again").FillAsync(DashboardAppFixture.Password);
                    await page.GetByRole(AriaRole.Button, new() { Name = "Save the password and sign in" }).ClickAsync();
                }
                else
                {
                    await page.GotoAsync(origin + "/dashboard/sign-in");
                    await page.GetByLabel("E-mail address").FillAsync("pages@shop.example");
                    await page.GetByLabel("Password").FillAsync(DashboardAppFixture.Password);
                    await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
                }

                await DashboardBrowserTests.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" }));

                // Products, by keyboard from the nav; both thumbnails load.
                await page.GetByRole(AriaRole.Link, new() { Name = "Products" }).FocusAsync();
                await page.Keyboard.PressAsync("Enter");
                await DashboardBrowserTests.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Products", Exact = true }));
                await DashboardBrowserTests.Expect(page.GetByText("Denim shirt"));
                await page.WaitForFunctionAsync("() => [...document.querySelectorAll('td.thumb img')].every(image => image.complete && image.naturalWidth > 0)");
                Assert.Equal(2, await page.Locator("td.thumb img").CountAsync());
                await shots(page, "products");
                await DashboardBrowserTests.NothingWiderAsync(page, "products", width);

                // Billing: off on this server, and the ledger.
                await page.GetByRole(AriaRole.Link, new() { Name = "Billing" }).ClickAsync();
                await DashboardBrowserTests.Expect(page.GetByTestId("billing-off"));
                await DashboardBrowserTests.Expect(page.GetByText("Welcome credits"));
                await shots(page, "billing");
                await DashboardBrowserTests.NothingWiderAsync(page, "billing", width);

                // Settings: a logo, the retention, a webhook endpoint.
                await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
                await DashboardBrowserTests.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Settings" }));
                await page.GetByLabel("PNG file").SetInputFilesAsync(logoFile);
                await page.GetByRole(AriaRole.Button, new() { Name = width == 1280 ? "Upload the logo" : "Replace the logo" }).ClickAsync();
                await DashboardBrowserTests.Expect(page.GetByText("The logo is saved"));
                await page.WaitForFunctionAsync("() => { const image = document.querySelector('[data-testid=logo-preview]'); return image && image.complete && image.naturalWidth === 240; }");
                await page.GetByLabel("Keep for").SelectOptionAsync(width == 1280 ? "3" : "1");
                await page.GetByRole(AriaRole.Button, new() { Name = "Save the retention" }).ClickAsync();
                Assert.Equal(width == 1280 ? "3" : "1", (await page.GetByTestId("retention-days").TextContentAsync())!.Trim());
                await page.GetByLabel("Address").FillAsync($"https://hooks.shop.example/tryon-{width}");
                await page.GetByLabel("Address").PressAsync("Enter");
                var secret = (await page.GetByTestId("webhook-secret").TextContentAsync())!.Trim();
                Assert.False(string.IsNullOrEmpty(secret));
                await DashboardBrowserTests.Expect(page.GetByText($"hooks.shop.example/tryon-{width}"));
                await shots(page, "settings");
                await DashboardBrowserTests.NothingWiderAsync(page, "settings", width);

                Assert.True(problems.IsEmpty, string.Join("\n", problems));
                await context.CloseAsync();
            }
        }
        finally
        {
            File.Delete(logoFile);
        }
    }
}
