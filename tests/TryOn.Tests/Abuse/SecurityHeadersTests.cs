using System.Net;
using System.Net.Http.Json;
using TryOn.Tests.Infrastructure;
using Xunit;

namespace TryOn.Tests.Abuse;

/// <summary>Every answer says nosniff; merchant and admin JSON, errors included, are never stored by a cache.</summary>
public sealed class SecurityHeadersTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private static void AssertPrivate(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage?.RequestUri}: Cache-Control is '{response.Headers.CacheControl}'");
    }

    [Fact]
    public async Task Merchant_and_admin_JSON_is_no_store_and_nosniff_errors_included()
    {
        var merchant = await fixture.CreateMerchantAsync();
        AssertPrivate(await merchant.Client.GetAsync("/tryon/v1/account/credits"));
        AssertPrivate(await fixture.Anonymous.GetAsync("/tryon/v1/account/credits"));
        var issued = await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/keys", new { name = "headers" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        AssertPrivate(issued);
        AssertPrivate(await fixture.Anonymous.GetAsync("/admin/v1/accounts"));
    }

    [Fact]
    public async Task Public_answers_are_nosniff()
    {
        var health = await fixture.Anonymous.GetAsync("/health/live");
        Assert.Equal("nosniff", string.Join(",", health.Headers.GetValues("X-Content-Type-Options")));
        var missing = await fixture.Anonymous.GetAsync("/files/nothing/here.jpg");
        Assert.Equal("nosniff", string.Join(",", missing.Headers.GetValues("X-Content-Type-Options")));
    }
}
