using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Accounts;

/// <summary>Per-account request budgets at the HTTP edge: codes, headers, both classes, shared by every key.</summary>
public sealed class RateLimitApiTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private static StringContent BrokenJson() => new("{", Encoding.UTF8, "application/json");

    private static int HeaderInt(HttpResponseMessage response, string name) =>
        int.Parse(response.Headers.GetValues(name).Single(), CultureInfo.InvariantCulture);

    [Fact]
    public async Task Writes_over_the_budget_are_RATE_LIMITED_before_the_body_is_read_and_reads_keep_their_own_budget()
    {
        // One write a minute: the second one cannot have a token yet.
        var merchant = await fixture.CreateMerchantAsync(limits: new { writesPerMinute = 1 });

        var first = await merchant.Client.PostAsync("/tryon/v1/products", BrokenJson());
        await first.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "INVALID_JSON");
        Assert.Equal(1, HeaderInt(first, "X-RateLimit-Limit"));
        Assert.Equal(0, HeaderInt(first, "X-RateLimit-Remaining"));

        var refused = await merchant.Client.PostAsync("/tryon/v1/products", BrokenJson());
        var envelope = await refused.ShouldBeErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        var retryAfter = (int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(1, envelope.GetProperty("details").GetProperty("limit").GetInt32());
        Assert.Equal(retryAfter, envelope.GetProperty("details").GetProperty("retryAfterSeconds").GetInt32());
        Assert.Equal("writes", envelope.GetProperty("details").GetProperty("class").GetString());

        var read = await merchant.Client.GetAsync("/tryon/v1/account/credits");
        await read.ShouldBeOkAsync();
        Assert.Equal(1200, HeaderInt(read, "X-RateLimit-Limit"));
        Assert.InRange(HeaderInt(read, "X-RateLimit-Remaining"), 1, 1199);
    }

    [Fact]
    public async Task Every_key_of_an_account_spends_the_same_budget_and_other_accounts_are_untouched()
    {
        var merchant = await fixture.CreateMerchantAsync(limits: new { writesPerMinute = 1 });
        var secondKey = (await fixture.IssueKeyAsync(merchant.AccountId, "second")).GetProperty("key").GetString()!;
        using var second = fixture.App.CreateMerchantClient(secondKey);
        var other = await fixture.CreateMerchantAsync(limits: new { writesPerMinute = 1 });

        await (await merchant.Client.DeleteAsync("/tryon/v1/products/none")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        await (await second.DeleteAsync("/tryon/v1/products/none")).ShouldBeErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        await (await other.Client.DeleteAsync("/tryon/v1/products/none")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
    }

    [Fact]
    public async Task A_limit_raised_through_the_admin_API_applies_within_seconds()
    {
        var merchant = await fixture.CreateMerchantAsync(limits: new { writesPerMinute = 1 });
        await (await merchant.Client.DeleteAsync("/tryon/v1/products/none")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
        await (await merchant.Client.DeleteAsync("/tryon/v1/products/none")).ShouldBeErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");

        var updated = await (await fixture.Admin.PatchAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}", new { limits = new { writesPerMinute = 6000 } })).ShouldBeOkAsync();
        Assert.Equal(6000, updated.GetProperty("limits").GetProperty("writesPerMinute").GetInt32());

        await Eventually.HoldsAsync(
            async () => (await merchant.Client.DeleteAsync("/tryon/v1/products/none")).StatusCode == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(5),
            "the raised limit to admit a write");
    }

    [Fact]
    public async Task Unauthenticated_calls_and_the_admin_API_spend_no_budget()
    {
        var merchant = await fixture.CreateMerchantAsync(limits: new { writesPerMinute = 1, readsPerMinute = 1 });
        await (await fixture.Anonymous.GetAsync("/tryon/v1/account/credits")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "MISSING_API_KEY");
        await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{merchant.AccountId}")).ShouldBeOkAsync();

        await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    [Theory]
    [InlineData("""{"limits": {"writesPerMinute": 0}}""", "limits.writesPerMinute")]
    [InlineData("""{"limits": {"readsPerMinute": -5}}""", "limits.readsPerMinute")]
    [InlineData("""{"limits": {"monthlyGenerations": -1}}""", "limits.monthlyGenerations")]
    [InlineData("""{"limits": {"maxInFlightGenerations": 1000000000}}""", "limits.maxInFlightGenerations")]
    public async Task Limits_out_of_range_are_VALIDATION_FAILED(string body, string path)
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await fixture.Admin.PatchAsync($"/admin/v1/accounts/{merchant.AccountId}", new StringContent(body, Encoding.UTF8, "application/json"));
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Contains(path, envelope.GetProperty("details").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_monthly_cap_is_set_shown_and_removed_through_the_admin_API()
    {
        var merchant = await fixture.CreateMerchantAsync(limits: new { monthlyGenerations = 500 });
        var account = await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{merchant.AccountId}")).ShouldBeOkAsync();
        Assert.Equal(500, account.GetProperty("limits").GetProperty("monthlyGenerations").GetInt32());

        var listed = await (await fixture.Admin.GetAsync("/admin/v1/accounts?limit=200")).ShouldBeOkAsync();
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), item =>
            item.GetProperty("accountId").GetString() == merchant.AccountId
            && item.GetProperty("limits").GetProperty("monthlyGenerations").GetInt32() == 500);

        var removed = await (await fixture.Admin.PatchAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}", new { limits = new { monthlyGenerations = 0 } })).ShouldBeOkAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, removed.GetProperty("limits").GetProperty("monthlyGenerations").ValueKind);
    }
}
