using System.Net;
using System.Net.Http.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Admin;

public sealed class AdminAccountsTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    [Fact]
    public async Task Create_returns_the_account_with_default_limits_and_retention()
    {
        var response = await fixture.Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "  Shop  " });
        var account = await response.ShouldBeOkAsync(HttpStatusCode.Created);

        var accountId = account.GetProperty("accountId").GetString()!;
        Assert.StartsWith("acct_", accountId, StringComparison.Ordinal);
        Assert.Equal($"/admin/v1/accounts/{accountId}", response.Headers.Location?.ToString());
        Assert.Equal("Shop", account.GetProperty("name").GetString());
        Assert.Equal(0, account.GetProperty("creditBalance").GetInt64());
        Assert.Equal("active", account.GetProperty("status").GetString());
        Assert.Equal(100, account.GetProperty("limits").GetProperty("writesPerMinute").GetInt32());
        Assert.Equal(1200, account.GetProperty("limits").GetProperty("readsPerMinute").GetInt32());
        Assert.Equal(20, account.GetProperty("limits").GetProperty("maxInFlightGenerations").GetInt32());
        Assert.Equal(7, account.GetProperty("retentionDays").GetInt32());
    }

    [Fact]
    public async Task Read_returns_what_create_stored()
    {
        var created = await (await fixture.Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Shop", credits = 12, limits = new { maxInFlightGenerations = 3 }, retentionDays = 3 }))
            .ShouldBeOkAsync(HttpStatusCode.Created);
        var account = await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{created.GetProperty("accountId").GetString()}")).ShouldBeOkAsync();

        Assert.Equal(12, account.GetProperty("creditBalance").GetInt64());
        Assert.Equal(0, account.GetProperty("reserved").GetInt64());
        Assert.Equal(3, account.GetProperty("limits").GetProperty("maxInFlightGenerations").GetInt32());
        Assert.Equal(100, account.GetProperty("limits").GetProperty("writesPerMinute").GetInt32());
        Assert.Equal(3, account.GetProperty("retentionDays").GetInt32());
    }

    [Theory]
    [InlineData("acct_doesnotexist")]
    [InlineData("not-an-account-id")]
    [InlineData("acct_..%2F..%2Fetc")]
    public async Task Unknown_account_returns_ACCOUNT_NOT_FOUND(string accountId)
    {
        var response = await fixture.Admin.GetAsync($"/admin/v1/accounts/{accountId}");
        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "ACCOUNT_NOT_FOUND");
    }

    [Fact]
    public async Task Patch_changes_only_the_given_fields()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var updated = await (await fixture.Admin.PatchAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}", new { limits = new { readsPerMinute = 50 }, retentionDays = 1 }))
            .ShouldBeOkAsync();

        Assert.Equal("Test shop", updated.GetProperty("name").GetString());
        Assert.Equal(50, updated.GetProperty("limits").GetProperty("readsPerMinute").GetInt32());
        Assert.Equal(100, updated.GetProperty("limits").GetProperty("writesPerMinute").GetInt32());
        Assert.Equal(1, updated.GetProperty("retentionDays").GetInt32());
        Assert.True(updated.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Patch_of_unknown_account_returns_ACCOUNT_NOT_FOUND()
    {
        var response = await fixture.Admin.PatchAsJsonAsync("/admin/v1/accounts/acct_missing", new { name = "x" });
        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "ACCOUNT_NOT_FOUND");
    }

    [Fact]
    public async Task Grants_and_deductions_move_the_balance_and_are_in_the_ledger_newest_first()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 10);
        var grant = await (await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/credits", new { amount = 5, reason = "goodwill" })).ShouldBeOkAsync();
        Assert.Equal(15, grant.GetProperty("creditBalance").GetInt64());
        Assert.Equal("grant", grant.GetProperty("entry").GetProperty("kind").GetString());

        var deduction = await (await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/credits", new { amount = -3, reason = "correction" })).ShouldBeOkAsync();
        Assert.Equal(12, deduction.GetProperty("creditBalance").GetInt64());
        Assert.Equal("deduction", deduction.GetProperty("entry").GetProperty("kind").GetString());

        var credits = await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        Assert.Equal(12, credits.GetProperty("creditBalance").GetInt64());

        var ledger = await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{merchant.AccountId}/ledger")).ShouldBeOkAsync();
        var entries = ledger.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([-3L, 5L, 10L], entries.Select(entry => entry.GetProperty("amount").GetInt64()));
        Assert.Equal([12L, 15L, 10L], entries.Select(entry => entry.GetProperty("balanceAfter").GetInt64()));
        Assert.Equal(["correction", "goodwill", "Initial credits"], entries.Select(entry => entry.GetProperty("reason").GetString()));
        Assert.Equal(3, ledger.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Deduction_beyond_the_balance_returns_INSUFFICIENT_CREDITS_and_changes_nothing()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 2);
        var response = await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/credits", new { amount = -3, reason = "too much" });

        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.PaymentRequired, "INSUFFICIENT_CREDITS");
        Assert.Equal(2, envelope.GetProperty("details").GetProperty("creditBalance").GetInt64());
        Assert.Equal(3, envelope.GetProperty("details").GetProperty("required").GetInt64());
        var credits = await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        Assert.Equal(2, credits.GetProperty("creditBalance").GetInt64());
    }

    [Theory]
    [InlineData("""{"amount": 0, "reason": "x"}""", "amount")]
    [InlineData("""{"amount": 1000001, "reason": "x"}""", "amount")]
    [InlineData("""{"amount": -1000001, "reason": "x"}""", "amount")]
    [InlineData("""{"reason": "x"}""", "amount")]
    [InlineData("""{"amount": 5}""", "reason")]
    [InlineData("""{"amount": 5, "reason": "   "}""", "reason")]
    [InlineData("""{"amount": 1.5, "reason": "x"}""", "amount")]
    [InlineData("""{"amount": "5", "reason": "x"}""", "amount")]
    public async Task Bad_credit_movements_return_VALIDATION_FAILED(string body, string path)
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await fixture.Admin.PostRawAsync($"/admin/v1/accounts/{merchant.AccountId}/credits", body);
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(path, envelope.GetProperty("details")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Credits_for_unknown_account_return_ACCOUNT_NOT_FOUND()
    {
        var response = await fixture.Admin.PostAsJsonAsync("/admin/v1/accounts/acct_missing/credits", new { amount = 1, reason = "x" });
        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "ACCOUNT_NOT_FOUND");
    }

    [Fact]
    public async Task Account_list_pages_newest_first_with_a_cursor()
    {
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var account = await (await fixture.Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = $"Paged {i}" })).ShouldBeOkAsync(HttpStatusCode.Created);
            created.Add(account.GetProperty("accountId").GetString()!);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await fixture.Admin.GetAsync($"/admin/v1/accounts?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}")).ShouldBeOkAsync();
            var items = page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("accountId").GetString()!).ToList();
            Assert.InRange(items.Count, 1, 2);
            Assert.Equal(items.Count, page.GetProperty("count").GetInt32());
            seen.AddRange(items);
            cursor = page.GetProperty("nextCursor").GetString();
            Assert.Equal(cursor is not null, page.GetProperty("hasMore").GetBoolean());
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        var positions = created.Select(id => seen.IndexOf(id)).ToList();
        Assert.All(positions, position => Assert.True(position >= 0));
        Assert.True(positions[2] < positions[1] && positions[1] < positions[0], "Newer accounts come first.");
        Assert.Equal("acct_dev", seen[^1]);
    }

    [Fact]
    public async Task Keys_are_listed_without_secrets_and_revocation_is_idempotent()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var listed = await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{merchant.AccountId}/keys")).ShouldBeOkAsync();
        var key = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(merchant.KeyId, key.GetProperty("keyId").GetString());
        Assert.StartsWith(key.GetProperty("prefix").GetString()!, merchant.ApiKey, StringComparison.Ordinal);
        Assert.DoesNotContain(merchant.ApiKey, listed.ToString(), StringComparison.Ordinal);
        Assert.False(key.TryGetProperty("key", out _));

        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Admin.DeleteAsync($"/admin/v1/accounts/{merchant.AccountId}/keys/{merchant.KeyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Admin.DeleteAsync($"/admin/v1/accounts/{merchant.AccountId}/keys/{merchant.KeyId}")).StatusCode);
        var afterRevoke = await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{merchant.AccountId}/keys")).ShouldBeOkAsync();
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, afterRevoke.GetProperty("items")[0].GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task Revoking_an_unknown_key_returns_API_KEY_NOT_FOUND()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await fixture.Admin.DeleteAsync($"/admin/v1/accounts/{merchant.AccountId}/keys/key_missing");
        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "API_KEY_NOT_FOUND");
    }

    [Fact]
    public async Task Issuing_a_key_without_a_name_returns_VALIDATION_FAILED()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await fixture.Admin.PostAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}/keys", new { });
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("name", envelope.GetProperty("details")[0].GetProperty("path").GetString());
    }
}
