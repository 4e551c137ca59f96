using NetVips;
using TryOn.Client;
using TryOn.Client.Generations;
using TryOn.Client.Images;
using TryOn.Client.Products;
using TryOn.Client.Webhooks;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Client;

/// <summary>
/// The C# client (src/Client) against the real embedded service over loopback: every merchant call, the core flow
/// with the default engine and the repository's sample images, multipart requests, waiting for a generation.
/// </summary>
public sealed class ClientFlowTests(ClientAppFixture fixture) : IClassFixture<ClientAppFixture>
{
    [Fact]
    public async Task Uploads_a_photo_from_a_stream_creates_a_product_tries_on_waits_and_downloads_the_result()
    {
        var client = ClientAppFixture.Client(fixture.BaseAddress, await fixture.ApiKeyAsync(credits: 5), out _);

        await using var photo = File.OpenRead(Repository.PathOf("samples", "photo.jpg"));
        var image = await client.UploadImageAsync(photo, "photo.jpg", new UploadImageOptions { ExternalUserId = "shopper-1" });
        Assert.StartsWith("img_", image.ImageId, StringComparison.Ordinal);
        Assert.True(image.Person is { Found: true, Problem: null }, $"person: {image.Person}");
        Assert.Equal("shopper-1", image.ExternalUserId);
        Assert.Equal(image.ImageId, (await client.GetImageAsync(image.ImageId)).ImageId);

        var shirt = new Uri(fixture.Images.Serve("flow-shirt.jpg", await File.ReadAllBytesAsync(Repository.PathOf("samples", "shirt.jpg"))));
        var product = await client.UpsertProductAsync(new ProductInput
        {
            ExternalId = "denim-shirt",
            Title = "Denim shirt",
            Category = "tops",
            Images = [ProductImageInput.FromUrl(shirt)],
        });
        Assert.Equal("tops", product.Category);
        Assert.Single(product.Images);

        var generation = await client.RunTryOnAsync(
            TryOnRequest.ForProduct("denim-shirt", ImageSource.Uploaded(image.ImageId)) with { ExternalUserId = "shopper-1" },
            timeout: TimeSpan.FromSeconds(120));

        Assert.True(generation.Status == GenerationStatus.Completed, $"{generation.Status} {generation.ErrorCode}: {generation.ErrorMessage}");
        Assert.Equal("denim-shirt", generation.ProductExternalId);
        var result = await client.DownloadResultAsync(generation);
        using var decoded = Image.NewFromBuffer(result);
        Assert.True(decoded.Width > 100 && decoded.Height > 100);

        Assert.Equal(4, await ClientAppFixture.BalanceAsync(client));
        var listed = await client.ListGenerationsAsync(GenerationStatus.Completed);
        Assert.Contains(listed.Items, item => item.Id == generation.GenerationId);
        Assert.Equal(1, (await client.GetProductStatsAsync("denim-shirt")).CompletedGenerations);
    }

    [Fact]
    public async Task Sends_images_as_parts_of_a_multipart_try_on_and_product()
    {
        var client = ClientAppFixture.Client(fixture.BaseAddress, await fixture.ApiKeyAsync(), out _);
        var person = await File.ReadAllBytesAsync(Repository.PathOf("samples", "photo.jpg"));

        var product = await client.UpsertProductAsync(
            new ProductInput { ExternalId = "mock-parts", Title = "mock", Category = "tops", Images = [ProductImageInput.FromFile("garment", new Dictionary<string, bool> { ["flat_lay"] = true })] },
            [new FilePart("garment", new MemoryStream(fixture.Images.Image), "garment.png")]);
        Assert.StartsWith("upload://", product.Images[0].SourceUrl, StringComparison.Ordinal);
        Assert.True(product.Images[0].Classifications["flat_lay"]);

        var generation = await client.RunTryOnAsync(
            TryOnRequest.ForProduct("mock-parts", ImageSource.FromFile("me")),
            [new FilePart("me", new MemoryStream(person), "me.jpg")]);
        Assert.Equal(GenerationStatus.Completed, generation.Status);
    }

    [Fact]
    public async Task Try_on_sync_answers_the_finished_generation()
    {
        var client = ClientAppFixture.Client(fixture.BaseAddress, await fixture.ApiKeyAsync(), out _);
        await fixture.MockProductAsync(client, "mock-sync");
        await using var photo = File.OpenRead(Repository.PathOf("samples", "photo.jpg"));
        var image = await client.UploadImageAsync(photo, "photo.jpg");

        var generation = await client.TryOnSyncAsync(TryOnRequest.ForProduct("mock-sync", ImageSource.Uploaded(image.ImageId)));

        Assert.Equal(GenerationStatus.Completed, generation.Status);
        Assert.NotNull(generation.ResultImageUrl);
    }

    [Fact]
    public async Task Lists_and_deletes_products_pages_with_the_cursor_and_erases_a_customer()
    {
        var client = ClientAppFixture.Client(fixture.BaseAddress, await fixture.ApiKeyAsync(), out _);
        foreach (var id in new[] { "page-a", "page-b", "page-c" })
        {
            await fixture.MockProductAsync(client, id);
        }

        var first = await client.ListProductsAsync(limit: 2);
        Assert.Equal(2, first.Count);
        Assert.True(first.HasMore);
        var second = await client.ListProductsAsync(limit: 2, cursor: first.NextCursor);
        Assert.False(second.HasMore);
        Assert.Null(second.NextCursor);
        Assert.Equal(["page-a", "page-b", "page-c"], first.Items.Concat(second.Items).Select(p => p.ExternalId).Order());

        await client.DeleteProductAsync("page-b");
        var gone = await Assert.ThrowsAsync<TryOn.Client.Errors.TryOnApiException>(() => client.GetProductAsync("page-b"));
        Assert.Equal(TryOn.Client.Errors.TryOnErrorCodes.ProductNotFound, gone.Code);

        await client.EraseCustomerAsync("nobody-in-particular");
        var credits = await client.GetCreditsAsync();
        Assert.Equal(10, credits.CreditBalance);
        Assert.Equal(0, credits.Reserved);
        Assert.False((await client.ListCreditPacksAsync()).BillingEnabled);
    }

    [Fact]
    public async Task Registers_lists_and_deletes_a_webhook_endpoint()
    {
        var client = ClientAppFixture.Client(fixture.BaseAddress, await fixture.ApiKeyAsync(), out _);

        var created = await client.CreateWebhookEndpointAsync(new Uri("http://127.0.0.1:9/hooks"), [WebhookEventTypes.GenerationCompleted]);
        Assert.StartsWith("whe_", created.Id, StringComparison.Ordinal);
        Assert.StartsWith("whsec_", created.Secret, StringComparison.Ordinal);

        var listed = await client.ListWebhookEndpointsAsync();
        Assert.Equal([created.Id], listed.Items.Select(endpoint => endpoint.Id));
        Assert.Empty((await client.ListWebhookDeliveriesAsync(created.Id)).Items);

        await client.DeleteWebhookEndpointAsync(created.Id);
        var gone = await Assert.ThrowsAsync<TryOn.Client.Errors.TryOnApiException>(() => client.ListWebhookDeliveriesAsync(created.Id));
        Assert.Equal(TryOn.Client.Errors.TryOnErrorCodes.WebhookEndpointNotFound, gone.Code);
    }
}
