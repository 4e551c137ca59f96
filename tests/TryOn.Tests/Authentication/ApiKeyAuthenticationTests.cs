using System.Net;
using System.Net.Http.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Authentication;

public sealed class ApiKeyAuthenticationTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private static readonly TimeSpan RevocationBound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Request_without_a_key_returns_MISSING_API_KEY()
    {
        var response = await fixture.Anonymous.GetAsync("/tryon/v1/account/credits");
        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "MISSING_API_KEY");
    }

    [Fact]
    public async Task Empty_key_header_counts_as_missing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/tryon/v1/account/credits");
        request.Headers.TryAddWithoutValidation("x-api-key", "");
        var response = await fixture.Anonymous.SendAsync(request);
        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "MISSING_API_KEY");
    }

    [Theory]
    [InlineData("gk_thisisnotakey")]
    [InlineData("gk_0000000000000000000000000000000000000000000")]
    [InlineData("not even close")]
    [InlineData("gk_000000000000000000000000000000000000000-000")]
    public async Task Unknown_or_malformed_key_returns_INVALID_API_KEY(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/tryon/v1/account/credits");
        request.Headers.TryAddWithoutValidation("x-api-key", key);
        var response = await fixture.Anonymous.SendAsync(request);
        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Fact]
    public async Task Doubled_key_header_returns_INVALID_API_KEY()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/tryon/v1/account/credits");
        request.Headers.Add("x-api-key", [merchant.ApiKey, merchant.ApiKey]);
        var response = await fixture.Anonymous.SendAsync(request);
        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Fact]
    public async Task Issued_key_reads_its_own_accounts_credits()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 42);
        var credits = await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        Assert.Equal(42, credits.GetProperty("creditBalance").GetInt64());
        Assert.Equal(0, credits.GetProperty("reserved").GetInt64());
    }

    [Fact]
    public async Task Revoked_key_is_refused_within_one_second()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var other = (await fixture.IssueKeyAsync(merchant.AccountId, "second")).GetProperty("key").GetString()!;
        await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();

        var revoke = await fixture.Admin.DeleteAsync($"/admin/v1/accounts/{merchant.AccountId}/keys/{merchant.KeyId}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        await Eventually.HoldsAsync(
            async () => (await merchant.Client.GetAsync("/tryon/v1/account/credits")).StatusCode == HttpStatusCode.Unauthorized,
            RevocationBound,
            "the revoked key to be refused");
        await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "INVALID_API_KEY");

        // The account's other key is untouched.
        using var second = fixture.App.CreateMerchantClient(other);
        await (await second.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
    }

    [Fact]
    public async Task Deactivated_account_is_refused_within_one_second_and_reactivation_restores_access()
    {
        var merchant = await fixture.CreateMerchantAsync();
        await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();

        await (await fixture.Admin.PatchAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}", new { active = false })).ShouldBeOkAsync();
        await Eventually.HoldsAsync(
            async () => (await merchant.Client.GetAsync("/tryon/v1/account/credits")).StatusCode == HttpStatusCode.Unauthorized,
            RevocationBound,
            "the deactivated account's key to be refused");
        await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "INVALID_API_KEY");

        await (await fixture.Admin.PatchAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}", new { active = true })).ShouldBeOkAsync();
        await Eventually.HoldsAsync(
            async () => (await merchant.Client.GetAsync("/tryon/v1/account/credits")).StatusCode == HttpStatusCode.OK,
            RevocationBound,
            "the reactivated account's key to be accepted");
    }

    [Fact]
    public async Task Merchant_api_refuses_the_admin_token()
    {
        var response = await fixture.Admin.GetAsync("/tryon/v1/account/credits");
        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "MISSING_API_KEY");
    }

    [Fact]
    public async Task Admin_api_refuses_merchant_keys()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var asHeader = await merchant.Client.GetAsync("/admin/v1/accounts");
        await asHeader.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        using var asBearer = fixture.App.CreateHttpClient();
        asBearer.DefaultRequestHeaders.Authorization = new("Bearer", merchant.ApiKey);
        await (await asBearer.GetAsync("/admin/v1/accounts")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-wrong-token")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task Admin_api_without_the_token_returns_UNAUTHORIZED(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/v1/accounts");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await fixture.Anonymous.SendAsync(request);
        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }
}
