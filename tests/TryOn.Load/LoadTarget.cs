using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using NetVips;

namespace TryOn.Load;

/// <summary>
/// The service under load, prepared for the scenarios through its public APIs: <see cref="LoadOptions.Accounts"/>
/// merchant accounts (the development account, then new ones made through the admin API), each with its request
/// budgets raised to the maximum, credits, a key, a shopper photo uploaded and a product titled <c>mock</c> (the mock
/// engine, whose fixed duration is the server's <c>Engines:MockDuration</c>); and one completed generation.
/// </summary>
internal sealed class LoadTarget : IDisposable
{
    public const string DevelopmentAccountId = "acct_dev";
    public const string ProductId = "load-mock";

    private static readonly object MaximumLimits = new { writesPerMinute = 100_000, readsPerMinute = 1_000_000, maxInFlightGenerations = 10_000, monthlyGenerations = 0 };

    private readonly SocketsHttpHandler _connections;

    private LoadTarget(SocketsHttpHandler connections, HttpClient admin)
    {
        _connections = connections;
        Admin = admin;
    }

    public HttpClient Admin { get; }

    /// <summary>The merchants, one per account; worker <c>i</c> sends as merchant <c>i mod count</c>.</summary>
    public List<Merchant> Merchants { get; } = [];

    /// <summary>A completed generation of the first merchant, the one p2 polls.</summary>
    public string GenerationId { get; private set; } = "";

    /// <summary>A small PNG of noise (512 x 640, about 1 MB): what the mixed scenario uploads.</summary>
    public byte[] SmallPhoto { get; } = NoisePng(512, 640);

    /// <summary>The shopper photo every try-on uses: the repository's sample (a person must be found in it before a try-on is accepted).</summary>
    public static byte[] ShopperPhoto { get; } = File.ReadAllBytes(FindSample("photo.jpg"));

    /// <summary>The product photo: the repository's sample shirt (a JPEG of 30 KB, as a shop's product photo is).</summary>
    public static byte[] Garment { get; } = File.ReadAllBytes(FindSample("shirt.jpg"));

    public static async Task<LoadTarget> PrepareAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var connections = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        var admin = new HttpClient { BaseAddress = options.Target };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReadSecret(options.DataDirectory, "admin-token.txt"));
        var target = new LoadTarget(connections, admin);

        await Expect(admin.PatchAsJsonAsync($"/admin/v1/accounts/{options.AccountId}", new { limits = MaximumLimits }, cancellationToken));
        await Expect(admin.PostAsJsonAsync($"/admin/v1/accounts/{options.AccountId}/credits", new { amount = 1_000_000, reason = "load test" }, cancellationToken));
        await target.AddMerchantAsync(options, ReadSecret(options.DataDirectory, "dev-api-key.txt"), cancellationToken);
        for (var i = 1; i < options.Accounts; i++)
        {
            var account = await Expect(admin.PostAsJsonAsync("/admin/v1/accounts", new { name = $"load {i}", credits = 1_000_000, limits = MaximumLimits }, cancellationToken));
            var accountId = account.GetProperty("accountId").GetString()!;
            var key = await Expect(admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "load" }, cancellationToken));
            await target.AddMerchantAsync(options, key.GetProperty("key").GetString()!, cancellationToken);
        }

        var first = target.Merchants[0];
        var started = await Expect(first.Client.PostAsJsonAsync("/tryon/v1/try-on", first.TryOnBody(), cancellationToken));
        target.GenerationId = started.GetProperty("generationId").GetString()!;
        for (var status = ""; status != "COMPLETED";)
        {
            await Task.Delay(100, cancellationToken);
            status = (await Expect(first.Client.GetAsync($"/tryon/v1/generations/{target.GenerationId}", cancellationToken))).GetProperty("status").GetString()!;
            if (status == "FAILED")
            {
                throw new InvalidOperationException("The warm-up generation failed; is the service healthy?");
            }
        }

        return target;
    }

    public Merchant MerchantOf(int worker) => Merchants[worker % Merchants.Count];

    public void Dispose()
    {
        foreach (var merchant in Merchants)
        {
            merchant.Client.Dispose();
        }

        Admin.Dispose();
        _connections.Dispose();
    }

    private async Task AddMerchantAsync(LoadOptions options, string apiKey, CancellationToken cancellationToken)
    {
        var client = new HttpClient(_connections, disposeHandler: false) { BaseAddress = options.Target, Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Add("x-api-key", apiKey);
        var merchant = new Merchant(client);
        merchant.ImageId = (await merchant.UploadAsync(ShopperPhoto, cancellationToken, "image/jpeg")).GetProperty("imageId").GetString()!;

        using var product = new MultipartFormDataContent
        {
            { new StringContent($$$"""{"externalId":"{{{ProductId}}}","title":"mock","category":"tops","images":[{"source":{"fileKey":"g"}}]}"""), "data" },
            { new ByteArrayContent(Garment) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, "g", "g.jpg" },
        };
        await Expect(client.PostAsync("/tryon/v1/products", product, cancellationToken));
        Merchants.Add(merchant);
    }

    /// <summary>A file of the repository's <c>samples</c>, found from the tool's own folder upwards.</summary>
    private static string FindSample(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "samples", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"samples/{name} was not found above {AppContext.BaseDirectory}: run the tool from its build output in the repository.");
    }

    /// <summary>Random pixels, stored without compression: the PNG's size is about width x height x 3 bytes.</summary>
    public static byte[] NoisePng(int width, int height)
    {
        using var noise = Image.Gaussnoise(width, height, mean: 128, sigma: 60);
        using var rgb = noise.Bandjoin(noise, noise);
        using var bytes = rgb.Cast(Enums.BandFormat.Uchar);
        return bytes.PngsaveBuffer(compression: 0);
    }

    internal static async Task<JsonElement> Expect(Task<HttpResponseMessage> call)
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

/// <summary>One merchant account as the load tool sends for it: its key (in the client), its photo and product.</summary>
internal sealed class Merchant(HttpClient client)
{
    public HttpClient Client { get; } = client;

    public string ImageId { get; set; } = "";

    public object TryOnBody() => new { products = new[] { new { externalId = LoadTarget.ProductId } }, person = new { image = new { source = new { id = ImageId } } } };

    public async Task<JsonElement> UploadAsync(byte[] photo, CancellationToken cancellationToken, string contentType = "image/png")
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(photo) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } }, "file", contentType == "image/png" ? "photo.png" : "photo.jpg" },
        };
        return await LoadTarget.Expect(Client.PostAsync("/tryon/v1/images/upload", form, cancellationToken));
    }
}
