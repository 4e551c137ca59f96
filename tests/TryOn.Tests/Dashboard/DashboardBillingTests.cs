using System.Net;
using System.Net.Http.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Dashboard;

/// <summary>The embedded service with billing pointed at the in-process Stripe stand-in, for the dashboard's billing page.</summary>
public sealed class DashboardBillingFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public StripeStub Stripe { get; private set; } = null!;

    public TryOnApp App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stripe = await StripeStub.StartAsync();
        var settings = Stripe.BillingSettings();
        settings["Dashboard:SignInsPerMinute"] = "10000";
        App = new TryOnApp(_directory.Path, settings);
        Admin = App.CreateAdminClient();
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await App.DisposeAsync();
        await Stripe.DisposeAsync();
        _directory.Dispose();
    }

    public Task<Merchant> CreateMerchantAsync() => App.CreateMerchantAsync(Admin, credits: 0);

    /// <summary>A visitor invited by the operator as <paramref name="role"/>, who chose a password and is signed in.</summary>
    public async Task<DashboardVisitor> SignedInAsync(string accountId, string email, string role = "owner")
    {
        var invitation = await (await Admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/invitations", new { email, role })).ShouldBeOkAsync(HttpStatusCode.Created);
        var visitor = new DashboardVisitor(App);
        using var joined = await visitor.ChoosePasswordAsync(invitation.GetProperty("url").GetString()!, DashboardAppFixture.Password);
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        return visitor;
    }
}

/// <summary>
/// The billing page with Stripe configured: an owner's buy button creates a Checkout Session for their own account (as
/// <c>POST /tryon/v1/account/checkout</c>) and redirects to it, the page's policy lets the browser follow; members,
/// unknown packs, Stripe's refusals and forms without their token start nothing.
/// </summary>
public sealed class DashboardBillingTests(DashboardBillingFixture fixture) : IClassFixture<DashboardBillingFixture>
{
    private static int _users;

    private static string NewEmail(string who) => $"{who}-{Interlocked.Increment(ref _users)}@billing.example";

    [Fact]
    public async Task An_owner_buys_a_pack_and_is_sent_to_Stripe_Checkout_for_their_own_account()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var visitor = await fixture.SignedInAsync(merchant.AccountId, NewEmail("buyer"));

        using var page = await visitor.GetAsync("/dashboard/billing");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Pro pack", html, StringComparison.Ordinal);
        Assert.Contains("149.00 USD", html, StringComparison.Ordinal);
        Assert.Contains("100 try-on credits", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf("100 try-on credits", StringComparison.Ordinal) < html.IndexOf("Pro pack", StringComparison.Ordinal), "Packs from the smallest.");
        Assert.DoesNotContain("data-testid=\"billing-off\"", html, StringComparison.Ordinal);
        var policy = string.Join(",", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("form-action 'self' https://checkout.stripe.com;", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        using (var other = await visitor.GetAsync("/dashboard/settings"))
        {
            Assert.Contains("form-action 'self';", string.Join(",", other.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }

        var before = fixture.Stripe.SessionRequests.Count;
        using var bought = await visitor.SubmitAsync("/dashboard/billing", DashboardAccountPagesTests.Fields(("pack", "pro")), "/dashboard/billing?handler=Buy");

        Assert.Equal(HttpStatusCode.Redirect, bought.StatusCode);
        Assert.StartsWith("https://checkout.stripe.test/c/pay/cs_test_", bought.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(before + 1, fixture.Stripe.SessionRequests.Count);
        var sent = fixture.Stripe.SessionRequests.Last();
        Assert.Equal(merchant.AccountId, sent["metadata[tryon_account_id]"]);
        Assert.Equal(merchant.AccountId, sent["client_reference_id"]);
        Assert.Equal("pro", sent["metadata[tryon_pack]"]);
        Assert.Equal("1000", sent["metadata[tryon_credits]"]);
        Assert.Equal("14900", sent["line_items[0][price_data][unit_amount]"]);
    }

    [Fact]
    public async Task Unknown_packs_Stripe_refusals_forms_without_their_token_and_members_start_no_checkout()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var owner = await fixture.SignedInAsync(merchant.AccountId, NewEmail("owner"));
        using var member = await fixture.SignedInAsync(merchant.AccountId, NewEmail("member"), "member");
        var before = fixture.Stripe.SessionRequests.Count;

        using (var unknown = await owner.SubmitAsync("/dashboard/billing", DashboardAccountPagesTests.Fields(("pack", "gold")), "/dashboard/billing?handler=Buy"))
        {
            Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
            Assert.Contains("Choose one of the packs", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var forged = await owner.SubmitAsync("/dashboard/billing", DashboardAccountPagesTests.Fields(("pack", "pro")), "/dashboard/billing?handler=Buy", withToken: false))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        var memberPage = await member.PageAsync("/dashboard/billing");
        Assert.Contains("data-testid=\"owners-buy\"", memberPage, StringComparison.Ordinal);
        Assert.Contains("Pro pack", memberPage, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Buy", memberPage, StringComparison.Ordinal);
        using (var refused = await member.SubmitAsync("/dashboard/billing", DashboardAccountPagesTests.Fields(("pack", "pro")), "/dashboard/billing?handler=Buy"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Equal(before, fixture.Stripe.SessionRequests.Count);

        fixture.Stripe.Refuse = true;
        try
        {
            using var failed = await owner.SubmitAsync("/dashboard/billing", DashboardAccountPagesTests.Fields(("pack", "starter")), "/dashboard/billing?handler=Buy");
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            Assert.Contains("could not start a payment", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            fixture.Stripe.Refuse = false;
        }

        Assert.Equal(before, fixture.Stripe.SessionRequests.Count);
    }
}
