using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Privacy;

/// <summary>The merchant calls the privacy tests make, and what the data directory holds for an account.</summary>
internal static class ShopperCalls
{
    private static readonly byte[] Person = TestImages.Read("person-astronaut.png");

    /// <summary>Uploads the test photo for <paramref name="externalUserId"/> (sent as the deprecated alias when asked).</summary>
    public static async Task<(string ImageId, string ImageUrl)> UploadAsync(
        HttpClient client, string? externalUserId, int? keepForDays = null, bool asCustomerId = false)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(Person);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "file", "me.png");
        if (externalUserId is not null)
        {
            form.Add(new StringContent(externalUserId), asCustomerId ? "customerId" : "externalUserId");
        }

        if (keepForDays is not null)
        {
            form.Add(new StringContent(keepForDays.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)), "keepForDays");
        }

        var uploaded = await (await client.PostAsync("/tryon/v1/images/upload", form)).ShouldBeOkAsync();
        return (uploaded.GetProperty("imageId").GetString()!, uploaded.GetProperty("imageUrl").GetString()!);
    }

    /// <summary>A product with an uploaded image, so each generation keeps its own copy of it.</summary>
    public static async Task CreateProductAsync(HttpClient client, string externalId, string title = "mock", string category = "tops")
    {
        using var garment = TestImages.Solid(200, 240, 30, 90, 200);
        using var form = new MultipartFormDataContent
        {
            { new StringContent($$$$"""{"externalId": "{{{{externalId}}}}", "title": "{{{{title}}}}", "category": "{{{{category}}}}", "images": [{"source": {"fileKey": "g"}, "classifications": {"flat_lay": true}}]}"""), "data" },
        };
        form.Add(new ByteArrayContent(TestImages.Png(garment)), "g", "g.png");
        await (await client.PostAsync("/tryon/v1/products", form)).ShouldBeOkAsync();
    }

    /// <summary>Starts a try-on of <paramref name="productId"/> on an uploaded image; returns the generation id.</summary>
    public static async Task<string> TryOnAsync(HttpClient client, string productId, string imageId, string? externalUserId = null, int? keepForDays = null)
    {
        var started = await (await client.PostAsJsonAsync("/tryon/v1/try-on", new
        {
            products = new[] { new { externalId = productId } },
            person = new { image = new { source = new { id = imageId } } },
            externalUserId,
            output = new { watermark = false, keepForDays },
        })).ShouldBeOkAsync();
        return started.GetProperty("generationId").GetString()!;
    }

    /// <summary>Starts a try-on whose shopper photo travels in the request (stored by the call for its user).</summary>
    public static async Task<string> TryOnWithPhotoAsync(HttpClient client, string productId, string externalUserId)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent($$$$"""{"products": [{"externalId": "{{{{productId}}}}"}], "person": {"image": {"source": {"fileKey": "selfie"}}}, "externalUserId": "{{{{externalUserId}}}}"}"""), "data" },
        };
        form.Add(new ByteArrayContent(Person), "selfie", "selfie.png");
        var started = await (await client.PostAsync("/tryon/v1/try-on", form)).ShouldBeOkAsync();
        return started.GetProperty("generationId").GetString()!;
    }

    public static async Task<JsonElement> PollAsync(HttpClient client, string generationId, string status)
    {
        JsonElement generation = default;
        await Eventually.HoldsAsync(
            async () => (generation = await (await client.GetAsync($"/tryon/v1/generations/{generationId}")).ShouldBeOkAsync()).GetProperty("status").GetString() == status,
            TimeSpan.FromSeconds(20),
            $"generation {generationId} to be {status}");
        return generation;
    }

    /// <summary>Every file on disk under the account's blob folder, as sorted paths relative to it with '/'.</summary>
    public static IReadOnlyList<string> FilesOf(string dataDirectory, string accountId)
    {
        var root = Path.Combine(dataDirectory, "blobs", accountId);
        return Directory.Exists(root)
            ? Directory.GetFiles(root, "*", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
    }

    /// <summary>The files of an account that belong to shoppers: uploads, results, generations' copies.</summary>
    public static IReadOnlyList<string> ShopperFilesOf(string dataDirectory, string accountId) =>
        FilesOf(dataDirectory, accountId).Where(path => !path.StartsWith("products/", StringComparison.Ordinal)).ToList();

    /// <summary>The blob path of a signed link, relative to its account's folder.</summary>
    public static string FileOf(string signedUrl, string accountId) =>
        new Uri(signedUrl).AbsolutePath[("/files/" + accountId + "/").Length..];

    /// <summary>The blob path of the person mask stored beside the image a signed link serves.</summary>
    public static string MaskFileOf(string signedImageUrl, string accountId) =>
        Path.ChangeExtension(FileOf(signedImageUrl, accountId), ".person.png");

    /// <summary>A stored shopper image with a person in it, as its files: the photo and the person's mask beside it.</summary>
    public static string[] ImageFilesOf(string signedImageUrl, string accountId) =>
        [FileOf(signedImageUrl, accountId), MaskFileOf(signedImageUrl, accountId)];
}
