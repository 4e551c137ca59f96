using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using NetVips;

namespace TryOn.Load;

/// <summary>
/// The service under load, prepared for the scenarios through its public APIs: the development account's request
/// budgets raised to the maximum, credits granted, a shopper photo uploaded, a product titled <c>mock</c> (the
/// mock engine, whose fixed duration is the server's <c>Engines:MockDuration</c>) and one completed generation.
/// </summary>
internal sealed class LoadTarget : IDisposable
{
    public const string AccountId = "acct_dev";
    public const string ProductId = "load-mock";

    private LoadTarget(HttpClient merchant, HttpClient admin)
    {
        Merchant = merchant;
        Admin = admin;
    }

    public HttpClient Merchant { get; }

    public HttpClient Admin { get; }

    public string ImageId { get; private set; } = "";

    public string GenerationId { get; private set; } = "";

    /// <summary>A small PNG of noise (512 x 640), the shopper photo of every scenario but p6.</summary>
    public byte[] SmallPhoto { get; } = NoisePng(512, 640);

    public static async Task<LoadTarget> PrepareAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        var merchant = new HttpClient(handler) { BaseAddress = options.Target, Timeout = TimeSpan.FromSeconds(120) };
        merchant.DefaultRequestHeaders.Add("x-api-key", ReadSecret(options.DataDirectory, "dev-api-key.txt"));
        var admin = new HttpClient { BaseAddress = options.Target };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReadSecret(options.DataDirectory, "admin-token.txt"));
        var target = new LoadTarget(merchant, admin);

        await Expect(admin.PatchAsJsonAsync($"/admin/v1/accounts/{AccountId}", new { limits = new { writesPerMinute = 100_000, readsPerMinute = 1_000_000, maxInFlightGenerations = 10_000, monthlyGenerations = 0 } }, cancellationToken));
        await Expect(admin.PostAsJsonAsync($"/admin/v1/accounts/{AccountId}/credits", new { amount = 1_000_000, reason = "load test" }, cancellationToken));
        target.ImageId = (await target.UploadAsync(target.SmallPhoto, cancellationToken)).GetProperty("imageId").GetString()!;

        using var product = new MultipartFormDataContent
        {
            { new StringContent($$$"""{"externalId":"{{{ProductId}}}","title":"mock","category":"tops","images":[{"source":{"fileKey":"g"}}]}"""), "data" },
            { new ByteArrayContent(target.SmallPhoto) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "g", "g.png" },
        };
        await Expect(merchant.PostAsync("/tryon/v1/products", product, cancellationToken));

        var started = await Expect(merchant.PostAsJsonAsync("/tryon/v1/try-on", target.TryOnBody(), cancellationToken));
        target.GenerationId = started.GetProperty("generationId").GetString()!;
        for (var status = ""; status != "COMPLETED";)
        {
            await Task.Delay(100, cancellationToken);
            status = (await Expect(merchant.GetAsync($"/tryon/v1/generations/{target.GenerationId}", cancellationToken))).GetProperty("status").GetString()!;
            if (status == "FAILED")
            {
                throw new InvalidOperationException("The warm-up generation failed; is the service healthy?");
            }
        }

        return target;
    }

    public object TryOnBody() => new { products = new[] { new { externalId = ProductId } }, person = new { image = new { source = new { id = ImageId } } } };

    public async Task<JsonElement> UploadAsync(byte[] photo, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(photo) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "file", "photo.png" },
        };
        return await Expect(Merchant.PostAsync("/tryon/v1/images/upload", form, cancellationToken));
    }

    /// <summary>Random pixels, stored without compression: the PNG's size is about width x height x 3 bytes.</summary>
    public static byte[] NoisePng(int width, int height)
    {
        using var noise = Image.Gaussnoise(width, height, mean: 128, sigma: 60);
        using var rgb = noise.Bandjoin(noise, noise);
        using var bytes = rgb.Cast(Enums.BandFormat.Uchar);
        return bytes.PngsaveBuffer(compression: 0);
    }

    public void Dispose()
    {
        Merchant.Dispose();
        Admin.Dispose();
    }

    private static async Task<JsonElement> Expect(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string ReadSecret(string dataDirectory, string name)
    {
        var path = Path.Combine(dataDirectory, name);
        return File.Exists(path)
            ? File.ReadAllText(path).Trim()
            : throw new InvalidOperationException($"{path} does not exist: point --data at the service's data directory.");
    }
}
