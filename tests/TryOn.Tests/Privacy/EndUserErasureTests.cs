using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Grains.Generations;
using TryOn.Grains.Images;
using TryOn.Tests.Generations;
using TryOn.Tests.Infrastructure;
using static TryOn.Tests.Privacy.ShopperCalls;
using TryOn.Contracts.Images;
using TryOn.Contracts.Generations;

namespace TryOn.Tests.Privacy;

/// <summary>
/// <c>DELETE /tryon/v1/customers/:customerId</c> (docs/privacy.md) over HTTP, checked against the files actually on disk
/// under the data directory, the signed links handed out before, and the records that must stay.
/// </summary>
public sealed class EndUserErasureTests(TryOnAppFixture fixture) : IClassFixture<TryOnAppFixture>
{
    private string DataDirectory => fixture.App.DataDirectory;

    private static async Task EraseAsync(HttpClient client, string customerId)
    {
        var response = await client.DeleteAsync($"/tryon/v1/customers/{customerId}");
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"Expected 204, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<HttpStatusCode> FetchAsync(string signedUrl)
    {
        using var anonymous = fixture.App.CreateHttpClient();
        var response = await anonymous.GetAsync(signedUrl);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "FILE_NOT_FOUND");
        }

        return response.StatusCode;
    }

    [Fact]
    public async Task A_try_on_cannot_make_a_photo_another_end_users_so_erasing_its_owner_leaves_no_result_of_it()
    {
        var merchant = await fixture.MerchantAsync(credits: 10);
        await CreateProductAsync(merchant.Client, "mock-o");
        var (imageId, _) = await UploadAsync(merchant.Client, "owner-1");
        var refused = await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = "mock-o" } },
            person = new { image = new { source = new { id = imageId } } },
            externalUserId = "someone-else",
        });
        var envelope = await refused.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("externalUserId", envelope.GetProperty("details")[0].GetProperty("path").GetString());

        // Without an id, or with the owner's, the try-on is the owner's; erasing the owner takes its result.
        var generationId = await TryOnAsync(merchant.Client, "mock-o", imageId);
        var result = (await PollAsync(merchant.Client, generationId, "COMPLETED")).GetProperty("resultImageUrl").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(result));
        await EraseAsync(merchant.Client, "owner-1");
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(result));
    }

    [Fact]
    public async Task Erasure_leaves_no_file_of_the_customer_on_disk_and_keeps_their_generations_anonymised()
    {
        var merchant = await fixture.MerchantAsync(credits: 10);
        await CreateProductAsync(merchant.Client, "mock-e");
        var (uploadedId, uploadedUrl) = await UploadAsync(merchant.Client, "shopper-1");
        var (_, aliasUrl) = await UploadAsync(merchant.Client, "shopper-1", asCustomerId: true);
        var (otherId, otherUrl) = await UploadAsync(merchant.Client, "shopper-2");
        var byId = await TryOnAsync(merchant.Client, "mock-e", uploadedId, "shopper-1");
        var byPhoto = await TryOnWithPhotoAsync(merchant.Client, "mock-e", "shopper-1");
        var othersGeneration = await TryOnAsync(merchant.Client, "mock-e", otherId, "shopper-2");
        var results = new List<string>();
        foreach (var generationId in new[] { byId, byPhoto })
        {
            results.Add((await PollAsync(merchant.Client, generationId, "COMPLETED")).GetProperty("resultImageUrl").GetString()!);
        }

        var othersResult = (await PollAsync(merchant.Client, othersGeneration, "COMPLETED")).GetProperty("resultImageUrl").GetString()!;

        // Before: the customer's uploads, the photo stored by the try-on, both results and both product copies.
        var before = ShopperFilesOf(DataDirectory, merchant.AccountId);
        Assert.Contains(FileOf(uploadedUrl, merchant.AccountId), before);
        Assert.Contains(FileOf(aliasUrl, merchant.AccountId), before);
        Assert.Contains(MaskFileOf(uploadedUrl, merchant.AccountId), before);

        // Four photos (three uploads, one sent with the try-on), each with the person's mask beside it.
        Assert.Equal(8, before.Count(path => path.StartsWith("images/", StringComparison.Ordinal)));
        Assert.Equal(3, before.Count(path => path.StartsWith("results/", StringComparison.Ordinal)));
        Assert.Equal(3, before.Count(path => path.StartsWith("generations/", StringComparison.Ordinal)));
        foreach (var url in results.Append(uploadedUrl).Append(aliasUrl))
        {
            Assert.Equal(HttpStatusCode.OK, await FetchAsync(url));
        }

        await EraseAsync(merchant.Client, "shopper-1");

        // After: only the other customer's upload, result and product copy are left (and the product's own image).
        Assert.Collection(
            ShopperFilesOf(DataDirectory, merchant.AccountId),
            path => Assert.StartsWith($"generations/{othersGeneration}/product.", path, StringComparison.Ordinal),
            path => Assert.Equal(FileOf(otherUrl, merchant.AccountId), path),
            path => Assert.Equal(MaskFileOf(otherUrl, merchant.AccountId), path),
            path => Assert.Equal(FileOf(othersResult, merchant.AccountId), path));
        Assert.Single(FilesOf(DataDirectory, merchant.AccountId), path => path.StartsWith("products/", StringComparison.Ordinal));

        foreach (var url in results.Append(uploadedUrl).Append(aliasUrl))
        {
            Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(url));
        }

        Assert.Equal(HttpStatusCode.OK, await FetchAsync(otherUrl));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(othersResult));

        // The generations stay (status, timing, stats) without a result; the erased photo cannot be used again.
        foreach (var generationId in new[] { byId, byPhoto })
        {
            var generation = await (await merchant.Client.GetAsync($"/tryon/v1/generations/{generationId}")).ShouldBeOkAsync();
            Assert.Equal("COMPLETED", generation.GetProperty("status").GetString());
            Assert.False(generation.TryGetProperty("resultImageUrl", out _));
            Assert.True(generation.GetProperty("generationTimeMs").GetInt64() > 0);
        }

        var listed = await (await merchant.Client.GetAsync("/tryon/v1/generations")).ShouldBeOkAsync();
        Assert.Equal(3, listed.GetProperty("count").GetInt32());
        Assert.Equal(
            [othersGeneration],
            listed.GetProperty("items").EnumerateArray().Where(item => item.TryGetProperty("resultImageUrl", out _)).Select(item => item.GetProperty("id").GetString()));
        var stats = await (await merchant.Client.GetAsync("/tryon/v1/products/mock-e/stats")).ShouldBeOkAsync();
        Assert.Equal((3, 3), (stats.GetProperty("totalGenerations").GetInt64(), stats.GetProperty("completedGenerations").GetInt64()));
        await (await merchant.Client.PostAsJsonAsync("/tryon/v1/try-on", new { products = new[] { new { externalId = "mock-e" } }, person = new { image = new { source = new { id = uploadedId } } } }))
            .ShouldBeErrorAsync(HttpStatusCode.NotFound, "IMAGE_NOT_FOUND");

        // The indexes no longer name the customer, and erasing again changes nothing.
        var services = fixture.App.Services;
        Assert.Empty(await services.GetRequiredService<IImageReadModel>().ListByExternalUserAsync(merchant.AccountId, "shopper-1", null, 10));
        Assert.Empty(await services.GetRequiredService<IGenerationReadModel>().ListByExternalUserAsync(merchant.AccountId, "shopper-1", null, 10));
        Assert.Single(await services.GetRequiredService<IGenerationReadModel>().ListByExternalUserAsync(merchant.AccountId, "shopper-2", null, 10));
        var after = FilesOf(DataDirectory, merchant.AccountId);
        await EraseAsync(merchant.Client, "shopper-1");
        Assert.Equal(after, FilesOf(DataDirectory, merchant.AccountId));
        Assert.Equal(3, (await (await merchant.Client.GetAsync("/tryon/v1/generations")).ShouldBeOkAsync()).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Erasing_a_customer_leaves_another_accounts_customer_with_the_same_id_untouched()
    {
        var erasing = await fixture.MerchantAsync();
        var other = await fixture.MerchantAsync();
        var urls = new Dictionary<Merchant, (string Upload, string Result)>();
        foreach (var merchant in new[] { erasing, other })
        {
            await CreateProductAsync(merchant.Client, "mock-s");
            var (imageId, imageUrl) = await UploadAsync(merchant.Client, "same-user");
            var generationId = await TryOnAsync(merchant.Client, "mock-s", imageId, "same-user");
            urls[merchant] = (imageUrl, (await PollAsync(merchant.Client, generationId, "COMPLETED")).GetProperty("resultImageUrl").GetString()!);
        }

        var othersFiles = FilesOf(DataDirectory, other.AccountId);
        Assert.Equal(4, ShopperFilesOf(DataDirectory, other.AccountId).Count);

        await EraseAsync(erasing.Client, "same-user");

        Assert.Empty(ShopperFilesOf(DataDirectory, erasing.AccountId));
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(urls[erasing].Upload));
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(urls[erasing].Result));
        Assert.Equal(othersFiles, FilesOf(DataDirectory, other.AccountId));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(urls[other].Upload));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(urls[other].Result));
        Assert.Single(await fixture.App.Services.GetRequiredService<IImageReadModel>().ListByExternalUserAsync(other.AccountId, "same-user", null, 10));
    }

    [Fact]
    public async Task A_generation_running_or_queued_when_its_customer_is_erased_ends_failed_and_keeps_nothing()
    {
        var merchant = await fixture.MerchantAsync(credits: 5);
        await CreateProductAsync(merchant.Client, "tee-e", title: "Red tee");
        var (imageId, imageUrl) = await UploadAsync(merchant.Client, "busy-user");
        fixture.Gate.Close();
        string running, queued;
        try
        {
            running = await TryOnAsync(merchant.Client, "tee-e", imageId, "busy-user");
            await PollAsync(merchant.Client, running, "PROCESSING");
            queued = await TryOnAsync(merchant.Client, "tee-e", imageId, "busy-user");
            Assert.Equal("PENDING", (await (await merchant.Client.GetAsync($"/tryon/v1/generations/{queued}")).ShouldBeOkAsync()).GetProperty("status").GetString());

            await EraseAsync(merchant.Client, "busy-user");

            // The photo goes at once; what the generations still hold goes when they end.
            Assert.DoesNotContain(ShopperFilesOf(DataDirectory, merchant.AccountId), path => path.StartsWith("images/", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(imageUrl));
        }
        finally
        {
            fixture.Gate.Open();
        }

        foreach (var generationId in new[] { running, queued })
        {
            var failed = await PollAsync(merchant.Client, generationId, "FAILED");
            Assert.Equal("GENERATION_FAILED", failed.GetProperty("errorCode").GetString());
            Assert.False(failed.TryGetProperty("resultImageUrl", out _));
        }

        Assert.Empty(ShopperFilesOf(DataDirectory, merchant.AccountId));
        await Eventually.HoldsAsync(
            async () => (await (await merchant.Client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync()).GetProperty("creditBalance").GetInt64() == 5,
            TimeSpan.FromSeconds(10),
            "both credits to be given back");
    }

    [Fact]
    public async Task An_erased_customer_id_is_not_written_to_the_logs()
    {
        var merchant = await fixture.MerchantAsync();
        var customerId = "secret-user-" + Guid.NewGuid().ToString("N")[..8];
        await EraseAsync(merchant.Client, customerId);
        // At the levels a deployment logs (Information and above; this test host also captures Debug lines).
        Assert.DoesNotContain(fixture.App.Logs, line =>
            !line.StartsWith("Debug", StringComparison.Ordinal) && !line.StartsWith("Trace", StringComparison.Ordinal)
            && line.Contains(customerId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_customers_and_ids_with_a_slash_answer_204()
    {
        var merchant = await fixture.MerchantAsync();
        await EraseAsync(merchant.Client, "never-seen");

        var (_, slashedUrl) = await UploadAsync(merchant.Client, "shop/7");
        var (_, keptUrl) = await UploadAsync(merchant.Client, "shop");
        await EraseAsync(merchant.Client, "shop%2F7");
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(slashedUrl));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(keptUrl));

        var (_, rawSlashUrl) = await UploadAsync(merchant.Client, "shop/8");
        await EraseAsync(merchant.Client, "shop/8");
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(rawSlashUrl));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(keptUrl));
    }

    [Fact]
    public async Task The_customer_id_in_the_path_is_decoded_once_so_an_escaped_percent_sign_stays_one()
    {
        var merchant = await fixture.MerchantAsync();
        var (_, slashedUrl) = await UploadAsync(merchant.Client, "shop/9");
        var (_, literalUrl) = await UploadAsync(merchant.Client, "shop%2F9");

        // %25 is '%': this names the id "shop%2F9", never "shop/9".
        await EraseAsync(merchant.Client, "shop%252F9");
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(literalUrl));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(slashedUrl));

        await EraseAsync(merchant.Client, "shop%2F9");
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(slashedUrl));
    }

    [Fact]
    public async Task Customer_ids_are_trimmed_alike_on_upload_try_on_and_erasure()
    {
        var merchant = await fixture.MerchantAsync();
        await CreateProductAsync(merchant.Client, "mock-t");
        var (_, uploadedUrl) = await UploadAsync(merchant.Client, " trim-a ");
        var generationId = await TryOnWithPhotoAsync(merchant.Client, "mock-t", " trim-a ");
        var resultUrl = (await PollAsync(merchant.Client, generationId, "COMPLETED")).GetProperty("resultImageUrl").GetString()!;
        var (_, otherUrl) = await UploadAsync(merchant.Client, "trim-b");

        await EraseAsync(merchant.Client, "trim-a");

        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(uploadedUrl));
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(resultUrl));
        Assert.Equal(ImageFilesOf(otherUrl, merchant.AccountId), ShopperFilesOf(DataDirectory, merchant.AccountId));

        // White space around the id in the path is not part of it either.
        await EraseAsync(merchant.Client, "%20trim-b%20");
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(otherUrl));
        Assert.Empty(ShopperFilesOf(DataDirectory, merchant.AccountId));
    }

    [Fact]
    public async Task Bad_customer_ids_are_VALIDATION_FAILED_and_the_key_is_required()
    {
        var merchant = await fixture.MerchantAsync();
        var (_, url) = await UploadAsync(merchant.Client, new string('u', 256));

        var tooLong = await (await merchant.Client.DeleteAsync($"/tryon/v1/customers/{new string('u', 257)}")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("customerId", tooLong.GetProperty("details")[0].GetProperty("path").GetString());
        await (await merchant.Client.DeleteAsync("/tryon/v1/customers/")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        using var anonymous = fixture.App.CreateHttpClient();
        await (await anonymous.DeleteAsync("/tryon/v1/customers/someone")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "MISSING_API_KEY");
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(url));

        await EraseAsync(merchant.Client, new string('u', 256));
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(url));
    }
}
