using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Dashboard;

/// <summary>
/// The dashboard over HTTP (docs/dashboard.md): the operator's invitations and resets, choosing a password, signing in
/// and out, lockout, antiforgery, one account's user never touching another's keys, and the pages' security headers.
/// </summary>
public sealed class DashboardTests(DashboardAppFixture fixture) : IClassFixture<DashboardAppFixture>
{
    private const string Password = DashboardAppFixture.Password;

    [Fact]
    public async Task The_operator_invites_a_user_who_chooses_a_password_and_is_signed_in()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var invitation = await InviteAsync(merchant.AccountId, "Ana.Owner@Shop.example", "owner");

        Assert.StartsWith("inv_", invitation.GetProperty("invitationId").GetString(), StringComparison.Ordinal);
        Assert.Equal("ana.owner@shop.example", invitation.GetProperty("email").GetString());
        Assert.Equal("owner", invitation.GetProperty("role").GetString());
        var url = invitation.GetProperty("url").GetString()!;
        Assert.StartsWith("/dashboard/links/inv_", url, StringComparison.Ordinal);
        var expires = invitation.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7));

        using var visitor = new DashboardVisitor(fixture.App);
        Assert.Contains("Join Test shop", await visitor.PageAsync(url), StringComparison.Ordinal);
        using var joined = await visitor.ChoosePasswordAsync(url, Password);
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        Assert.Equal("/dashboard", joined.Headers.Location?.OriginalString);
        var overview = await visitor.PageAsync("/dashboard");
        Assert.Contains("data-testid=\"credit-balance\">10<", overview, StringComparison.Ordinal);
        Assert.Contains("Test shop", overview, StringComparison.Ordinal);

        // One use: the link is spent, and says so.
        using var again = new DashboardVisitor(fixture.App);
        Assert.Contains("This link cannot be used", await again.PageAsync(url), StringComparison.Ordinal);
        Assert.Contains("This link cannot be used", await again.PageAsync(url[..^3] + "abc"), StringComparison.Ordinal);

        var users = await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{merchant.AccountId}/users")).ShouldBeOkAsync();
        var user = Assert.Single(users.GetProperty("items").EnumerateArray());
        Assert.Equal("ana.owner@shop.example", user.GetProperty("email").GetString());
        Assert.NotEqual(JsonValueKind.Null, user.GetProperty("lastSignInAt").ValueKind);
    }

    [Fact]
    public async Task Invitations_refuse_bad_input_unknown_accounts_merchant_keys_and_another_account_s_address()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var bad = await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/invitations", new { email = "not an address", role = "boss" });
        var envelope = await bad.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(["email", "role"], envelope.GetProperty("details").EnumerateArray().Select(issue => issue.GetProperty("path").GetString()).Order());
        using var empty = await fixture.Admin.PostAsync(new Uri($"/admin/v1/accounts/{merchant.AccountId}/invitations", UriKind.Relative), null);
        await empty.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        using var unknown = await fixture.Admin.PostAsJsonAsync("/admin/v1/accounts/acct_nope/invitations", new { email = "a@b.example", role = "member" });
        await unknown.ShouldBeErrorAsync(HttpStatusCode.NotFound, "ACCOUNT_NOT_FOUND");
        using var asMerchant = await merchant.Client.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/invitations", new { email = "a@b.example", role = "owner" });
        await asMerchant.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        // An address belongs to one account.
        await JoinAsync(merchant.AccountId, "taken@shop.example");
        var other = await fixture.CreateMerchantAsync();
        using var taken = await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{other.AccountId}/invitations", new { email = "TAKEN@shop.example", role = "owner" });
        await taken.ShouldBeErrorAsync(HttpStatusCode.Conflict, "EMAIL_TAKEN");
    }

    [Fact]
    public async Task Pages_need_a_signed_in_user_and_sign_in_refuses_wrong_passwords_then_locks_out()
    {
        using var anonymous = new DashboardVisitor(fixture.App);
        foreach (var page in new[]
        {
            "/dashboard", "/dashboard/keys", "/dashboard/generations", "/dashboard/generations/gen_01", "/dashboard/playground",
            "/dashboard/products", "/dashboard/billing", "/dashboard/settings", "/dashboard/team",
        })
        {
            using var response = await anonymous.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("http://", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
            Assert.Contains("/dashboard/sign-in?returnUrl=", response.Headers.Location.OriginalString, StringComparison.Ordinal);
        }

        var merchant = await fixture.CreateMerchantAsync();
        await JoinAsync(merchant.AccountId, "lock@shop.example");
        using var visitor = new DashboardVisitor(fixture.App);
        using (var unknown = await visitor.SignInAsync("nobody@shop.example", Password))
        {
            Assert.Contains("do not match", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var wrong = await visitor.SignInAsync("lock@shop.example", "a wrong password, attempt " + attempt);
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains(attempt < 5 ? "do not match" : "Too many failed attempts", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var locked = await visitor.SignInAsync("lock@shop.example", Password);
        Assert.Contains("Too many failed attempts", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var stillOut = await visitor.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, stillOut.StatusCode);

        // The operator's reset link lets the user back in, and clears the lockout.
        var reset = await (await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/password-resets", new { email = "lock@shop.example" }))
            .ShouldBeOkAsync(HttpStatusCode.Created);
        Assert.StartsWith("/dashboard/links/rst_", reset.GetProperty("url").GetString(), StringComparison.Ordinal);
        using var chosen = await visitor.ChoosePasswordAsync(reset.GetProperty("url").GetString()!, "a brand new passphrase");
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Contains("credit-balance", await visitor.PageAsync("/dashboard"), StringComparison.Ordinal);
        using var unknownReset = await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/password-resets", new { email = "nobody@shop.example" });
        await unknownReset.ShouldBeErrorAsync(HttpStatusCode.NotFound, "DASHBOARD_USER_NOT_FOUND");
    }

    [Fact]
    public async Task A_password_link_refuses_a_short_or_mismatched_password_and_stays_usable()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var url = (await InviteAsync(merchant.AccountId, "short@shop.example", "member")).GetProperty("url").GetString()!;
        using var visitor = new DashboardVisitor(fixture.App);
        using (var tooShort = await visitor.ChoosePasswordAsync(url, "short"))
        {
            Assert.Contains("at least 12 characters", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var mismatch = await visitor.ChoosePasswordAsync(url, Password, Password + "!"))
        {
            Assert.Contains("The two passwords differ", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var joined = await visitor.ChoosePasswordAsync(url, Password);
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
    }

    [Fact]
    public async Task A_form_without_its_antiforgery_token_is_refused_and_changes_nothing()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var visitor = await SignedInAsync(merchant.AccountId, "csrf@shop.example");
        using var forged = await visitor.SubmitAsync("/dashboard/keys", new Dictionary<string, string> { ["Name"] = "forged" }, "/dashboard/keys?handler=Create", withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var keys = await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{merchant.AccountId}/keys")).ShouldBeOkAsync();
        Assert.DoesNotContain(keys.GetProperty("items").EnumerateArray(), key => key.GetProperty("name").GetString() == "forged");
    }

    [Fact]
    public async Task A_user_creates_and_revokes_keys_of_their_account_only()
    {
        var mine = await fixture.CreateMerchantAsync();
        var theirs = await fixture.CreateMerchantAsync();
        using var visitor = await SignedInAsync(mine.AccountId, "keys@shop.example");

        using var created = await visitor.SubmitAsync("/dashboard/keys", new Dictionary<string, string> { ["Name"] = "storefront" }, "/dashboard/keys?handler=Create");
        var html = await created.Content.ReadAsStringAsync();
        var secret = System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"new-key\">(?<key>gk_[A-Za-z0-9]+)<").Groups["key"].Value;
        Assert.StartsWith("gk_", secret, StringComparison.Ordinal);
        Assert.Equal("no-store", created.Headers.CacheControl?.ToString());
        using var api = fixture.App.CreateMerchantClient(secret);
        await (await api.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();

        // Shown once: the list never has it again.
        Assert.DoesNotContain(secret, await visitor.PageAsync("/dashboard/keys"), StringComparison.Ordinal);

        // Another account's key id is not found, and that key keeps working.
        using var foreign = await visitor.SubmitAsync("/dashboard/keys", new Dictionary<string, string> { ["keyId"] = theirs.KeyId }, "/dashboard/keys?handler=Revoke");
        Assert.Contains("not one of this account", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await (await theirs.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();

        var keyId = (await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{mine.AccountId}/keys")).ShouldBeOkAsync())
            .GetProperty("items").EnumerateArray().Single(key => key.GetProperty("name").GetString() == "storefront").GetProperty("keyId").GetString()!;
        using var revoked = await visitor.SubmitAsync("/dashboard/keys", new Dictionary<string, string> { ["keyId"] = keyId }, "/dashboard/keys?handler=Revoke");
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        await Eventually.HoldsAsync(
            async () => (await api.GetAsync("/tryon/v1/account/credits")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(1),
            "the revoked key to be refused");
        await (await api.GetAsync("/tryon/v1/account/credits")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Fact]
    public async Task A_copied_cookie_is_useless_after_sign_out_and_after_the_user_is_removed()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var origin = fixture.App.Start();
        using var first = await SignedInAsync(merchant.AccountId, "leaves@shop.example");
        var copied = first.SessionCookie;
        using (var stolen = await DashboardVisitor.GetWithCookieAsync(origin, "/dashboard", copied))
        {
            Assert.Equal(HttpStatusCode.OK, stolen.StatusCode);
        }

        using var signedOut = await first.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        using (var stolen = await DashboardVisitor.GetWithCookieAsync(origin, "/dashboard", copied))
        {
            Assert.Equal(HttpStatusCode.Redirect, stolen.StatusCode);
        }

        // Removal ends every session at once.
        using var second = new DashboardVisitor(fixture.App);
        using var signedIn = await second.SignInAsync("leaves@shop.example", Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains("credit-balance", await second.PageAsync("/dashboard"), StringComparison.Ordinal);
        using var removed = await fixture.Admin.DeleteAsync(new Uri($"/admin/v1/accounts/{merchant.AccountId}/users/leaves@shop.example", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using var after = await second.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        using var again = await fixture.Admin.DeleteAsync(new Uri($"/admin/v1/accounts/{merchant.AccountId}/users/leaves@shop.example", UriKind.Relative));
        await again.ShouldBeErrorAsync(HttpStatusCode.NotFound, "DASHBOARD_USER_NOT_FOUND");
    }

    [Fact]
    public async Task Every_page_carries_the_strict_policy_no_referrer_no_store_and_no_inline_script()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var visitor = await SignedInAsync(merchant.AccountId, "headers@shop.example");
        using var anonymous = new DashboardVisitor(fixture.App);
        foreach (var (page, by) in new[]
        {
            ("/dashboard/sign-in", anonymous), ("/dashboard", visitor), ("/dashboard/keys", visitor), ("/dashboard/generations", visitor),
            ("/dashboard/playground", visitor), ("/dashboard/generations/gen_unknown", visitor), ("/dashboard/team", visitor),
            ("/dashboard/products", visitor), ("/dashboard/billing", visitor), ("/dashboard/settings", visitor),
        })
        {
            using var response = await by.GetAsync(page);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(page.EndsWith("gen_unknown", StringComparison.Ordinal) ? HttpStatusCode.NotFound : HttpStatusCode.OK, response.StatusCode);
            var policy = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            Assert.DoesNotMatch("<script(?![^>]*\\ssrc=\"/dashboard/dashboard\\.js\")", html);
            Assert.DoesNotMatch("\\sstyle=\"|<style|\\son[a-z]+=", html);
            Assert.DoesNotContain("://", html, StringComparison.Ordinal);
        }
    }

    private Task<JsonElement> InviteAsync(string accountId, string email, string role) => fixture.InviteAsync(accountId, email, role);

    private async Task JoinAsync(string accountId, string email)
    {
        using var visitor = await SignedInAsync(accountId, email);
    }

    private Task<DashboardVisitor> SignedInAsync(string accountId, string email) => fixture.SignedInAsync(accountId, email);
}
