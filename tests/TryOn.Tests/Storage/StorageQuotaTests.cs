using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TryOn.Contracts.Accounts;
using TryOn.Grains.Accounts;
using TryOn.Storage.Blobs;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Storage;

/// <summary>The per-account storage quota: what an account's images take is counted, shown to operators, and capped.</summary>
public sealed class StorageQuotaTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private static MultipartFormDataContent ProductForm(string externalId, string title = "Tee")
    {
        var form = new MultipartFormDataContent();
        form.Add(new StringContent($$$"""{"externalId": "{{{externalId}}}", "title": "{{{title}}}", "images": [{"source": {"fileKey": "f"}}]}"""), "data");
        var part = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "f", "f.png");
        return form;
    }

    private static MultipartFormDataContent PhotoForm(string externalUserId)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "file", "photo.png");
        form.Add(new StringContent(externalUserId), "externalUserId");
        return form;
    }

    private async Task<JsonElement> AccountAsync(string accountId) =>
        await (await fixture.Admin.GetAsync($"/admin/v1/accounts/{accountId}")).ShouldBeOkAsync();

    private async Task<long> StoredBytesAsync(string accountId) => (await AccountAsync(accountId)).GetProperty("storedBytes").GetInt64();

    private async Task SetStorageBytesAsync(string accountId, long storageBytes) =>
        await (await fixture.Admin.PatchAsJsonAsync($"/admin/v1/accounts/{accountId}", new { limits = new { storageBytes } })).ShouldBeOkAsync();

    [Theory]
    [InlineData("acct_1/images/img_1.jpg", "acct_1")]
    [InlineData("acct_dev/results/gen_1.jpg", "acct_dev")]
    [InlineData("tmp/upload-1", null)]
    [InlineData("acct_/x", null)]
    public void Only_keys_in_an_accounts_namespace_are_counted_for_it(string key, string? owner) =>
        Assert.Equal(owner, MeteredBlobStore.OwnerOf(key));

    [Fact]
    public async Task Accounts_start_with_nothing_stored_and_the_default_quota_which_the_admin_API_changes()
    {
        var merchant = await fixture.CreateMerchantAsync();

        var account = await AccountAsync(merchant.AccountId);
        Assert.Equal(0, account.GetProperty("storedBytes").GetInt64());
        Assert.Equal(AccountLimits.DefaultStorageBytes, account.GetProperty("limits").GetProperty("storageBytes").GetInt64());
        Assert.Equal(5L * 1024 * 1024 * 1024, AccountLimits.DefaultStorageBytes);

        await SetStorageBytesAsync(merchant.AccountId, 123_456);
        Assert.Equal(123_456, (await AccountAsync(merchant.AccountId)).GetProperty("limits").GetProperty("storageBytes").GetInt64());
        var listed = await (await fixture.Admin.GetAsync("/admin/v1/accounts?limit=100")).ShouldBeOkAsync();
        var row = listed.GetProperty("items").EnumerateArray().Single(item => item.GetProperty("accountId").GetString() == merchant.AccountId);
        Assert.Equal(123_456, row.GetProperty("limits").GetProperty("storageBytes").GetInt64());
        Assert.Equal(0, row.GetProperty("storedBytes").GetInt64());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_storage_quota_below_one_byte_is_VALIDATION_FAILED(long storageBytes)
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await fixture.Admin.PatchAsJsonAsync($"/admin/v1/accounts/{merchant.AccountId}", new { limits = new { storageBytes } });
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Contains(envelope.GetProperty("details").EnumerateArray(), issue => issue.GetProperty("path").GetString() == "limits.storageBytes");
    }

    [Fact]
    public async Task A_product_image_past_the_quota_is_QUOTA_EXCEEDED_with_the_figures_and_deleting_a_product_makes_room_again()
    {
        var merchant = await fixture.CreateMerchantAsync();
        await (await merchant.Client.PostAsync("/tryon/v1/products", ProductForm("first"))).ShouldBeOkAsync();
        var stored = await StoredBytesAsync(merchant.AccountId);
        Assert.True(stored > 0, "the product image was not counted");
        var blobs = fixture.App.Services.GetService(typeof(IBlobStore));
        Assert.IsType<MeteredBlobStore>(blobs);

        // Room for half of the same image again.
        var quota = stored + (stored / 2);
        await SetStorageBytesAsync(merchant.AccountId, quota);
        var refused = await merchant.Client.PostAsync("/tryon/v1/products", ProductForm("second"));
        var details = (await refused.ShouldBeErrorAsync(HttpStatusCode.PaymentRequired, "QUOTA_EXCEEDED")).GetProperty("details");
        Assert.Equal("storage", details.GetProperty("quota").GetString());
        Assert.Equal(stored, details.GetProperty("storedBytes").GetInt64());
        Assert.Equal(quota, details.GetProperty("storageBytes").GetInt64());
        Assert.Equal(stored, details.GetProperty("requestedBytes").GetInt64());
        Assert.Equal(stored, await StoredBytesAsync(merchant.AccountId));
        await (await merchant.Client.GetAsync("/tryon/v1/products/second")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");

        Assert.Equal(HttpStatusCode.NoContent, (await merchant.Client.DeleteAsync("/tryon/v1/products/first")).StatusCode);
        await Eventually.HoldsAsync(async () => await StoredBytesAsync(merchant.AccountId) == 0, TimeSpan.FromSeconds(10), "the deleted product's image to be uncounted");
        await (await merchant.Client.PostAsync("/tryon/v1/products", ProductForm("second"))).ShouldBeOkAsync();
        Assert.Equal(stored, await StoredBytesAsync(merchant.AccountId));
    }

    [Fact]
    public async Task A_try_on_while_the_quota_is_full_is_QUOTA_EXCEEDED_before_any_credit_is_held()
    {
        var merchant = await fixture.CreateMerchantAsync(credits: 3);
        await (await merchant.Client.PostAsync("/tryon/v1/products", ProductForm("mock-1", title: "mock"))).ShouldBeOkAsync();
        var imageId = (await (await merchant.Client.PostAsync("/tryon/v1/images/upload", PhotoForm("shopper-1"))).ShouldBeOkAsync())
            .GetProperty("imageId").GetString();
        var stored = await StoredBytesAsync(merchant.AccountId);

        // As when results filled it: they are counted, never refused.
        await SetStorageBytesAsync(merchant.AccountId, stored);
        var refused = await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = "mock-1" } },
            person = new { image = new { source = new { id = imageId } } },
        });
        var details = (await refused.ShouldBeErrorAsync(HttpStatusCode.PaymentRequired, "QUOTA_EXCEEDED")).GetProperty("details");
        Assert.Equal("storage", details.GetProperty("quota").GetString());
        Assert.Equal(stored, details.GetProperty("storedBytes").GetInt64());
        Assert.Equal(0, details.GetProperty("requestedBytes").GetInt64());
        var credits = await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        Assert.Equal((3, 0), (credits.GetProperty("creditBalance").GetInt64(), credits.GetProperty("reserved").GetInt64()));
    }

    [Fact]
    public async Task A_shopper_photo_past_the_quota_is_QUOTA_EXCEEDED_and_erasing_the_customer_makes_room_again()
    {
        var merchant = await fixture.CreateMerchantAsync();
        await (await merchant.Client.PostAsync("/tryon/v1/images/upload", PhotoForm("shopper-1"))).ShouldBeOkAsync();
        var stored = await StoredBytesAsync(merchant.AccountId);
        Assert.True(stored > 0, "the photo and its mask were not counted");

        await SetStorageBytesAsync(merchant.AccountId, stored + 1);
        var refused = await merchant.Client.PostAsync("/tryon/v1/images/upload", PhotoForm("shopper-2"));
        var details = (await refused.ShouldBeErrorAsync(HttpStatusCode.PaymentRequired, "QUOTA_EXCEEDED")).GetProperty("details");
        Assert.Equal("storage", details.GetProperty("quota").GetString());
        Assert.Equal(stored, details.GetProperty("storedBytes").GetInt64());
        Assert.Equal(stored + 1, details.GetProperty("storageBytes").GetInt64());
        Assert.Equal(stored, details.GetProperty("requestedBytes").GetInt64());

        Assert.Equal(HttpStatusCode.NoContent, (await merchant.Client.DeleteAsync("/tryon/v1/customers/shopper-1")).StatusCode);
        await Eventually.HoldsAsync(async () => await StoredBytesAsync(merchant.AccountId) == 0, TimeSpan.FromSeconds(10), "the erased photo to be uncounted");
        await (await merchant.Client.PostAsync("/tryon/v1/images/upload", PhotoForm("shopper-2"))).ShouldBeOkAsync();
    }
}
