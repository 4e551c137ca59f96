using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Http.Resilience;
using TryOn.Client.Account;
using TryOn.Client.Errors;
using TryOn.Client.Generations;
using TryOn.Client.Http;
using TryOn.Client.Images;
using TryOn.Client.Products;
using TryOn.Client.Webhooks;

namespace TryOn.Client;

/// <summary>
/// The merchant API (<c>/tryon/v1</c>, docs/api.md) as typed calls. Every call throws <see cref="TryOnApiException"/>
/// for an error answer, after the retries <see cref="RetryableErrors"/> allows. Register it with
/// <see cref="TryOnClientServiceCollectionExtensions.AddTryOnClient"/>, or make one with <see cref="Create"/>.
/// </summary>
public sealed class TryOnClient
{
    private const string ApiKeyHeader = "x-api-key";
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    private readonly HttpClient _http;
    private readonly TryOnClientOptions _options;
    private readonly Uri _base;

    /// <summary>Wraps an <see cref="HttpClient"/> whose handlers already retry (the factory's, or <see cref="Create"/>'s).</summary>
    public TryOnClient(HttpClient http, TryOnClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = http;
        _options = options;
        // Paths resolve below the address as given: https://example.com/tryon-api means https://example.com/tryon-api/tryon/v1/….
        _base = options.BaseAddress!.AbsoluteUri.EndsWith('/') ? options.BaseAddress : new Uri(options.BaseAddress.AbsoluteUri + "/");
    }

    /// <summary>A client with its own connection pool and the retry pipeline, for programs without dependency injection.</summary>
    public static TryOnClient Create(TryOnClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var handler = new ResilienceHandler(TryOnResilience.Build(options))
        {
            InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false },
        };
        return new TryOnClient(new HttpClient(handler) { BaseAddress = options.BaseAddress, Timeout = Timeout.InfiniteTimeSpan }, options);
    }

    // Images

    /// <summary><c>POST /images/upload</c>: stores a shopper photo (JPEG, PNG, WebP or HEIC, at most 10 MB) and says what the person analysis found.</summary>
    public async Task<ImageRecord> UploadImageAsync(
        Stream content, string fileName, UploadImageOptions? upload = null, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var form = new MultipartFormDataContent { { await FileContentAsync(content, cancellationToken).ConfigureAwait(false), "file", fileName } };
        if (upload?.Crop is { } crop)
        {
            form.Add(new StringContent(crop ? "true" : "false"), "crop");
        }

        if (upload?.ExternalUserId is { } user)
        {
            form.Add(new StringContent(user), "externalUserId");
        }

        if (upload?.KeepForDays is { } days)
        {
            form.Add(new StringContent(days.ToString(CultureInfo.InvariantCulture)), "keepForDays");
        }

        return await SendAsync<ImageRecord>(Creating(HttpMethod.Post, "images/upload", form, options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /images/:imageId</c>: the stored photo with a fresh signed link.</summary>
    public Task<ImageRecord> GetImageAsync(string imageId, CancellationToken cancellationToken = default) =>
        SendAsync<ImageRecord>(Api(HttpMethod.Get, $"images/{Segment(imageId)}"), cancellationToken);

    // Products

    /// <summary><c>POST /products</c>: creates or updates a catalogue product; <paramref name="files"/> carry the images named by <c>fileKey</c>.</summary>
    public async Task<Product> UpsertProductAsync(
        ProductInput product, IEnumerable<FilePart>? files = null, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(product);
        var body = await BodyAsync(product, files, cancellationToken).ConfigureAwait(false);
        return await SendAsync<Product>(Creating(HttpMethod.Post, "products", body, options), cancellationToken).ConfigureAwait(false);
    }

    public Task<Product> GetProductAsync(string externalId, CancellationToken cancellationToken = default) =>
        SendAsync<Product>(Api(HttpMethod.Get, $"products/{Segment(externalId)}"), cancellationToken);

    /// <summary><c>GET /products</c>: one page of the catalogue (one-shot products are never listed).</summary>
    public Task<Page<Product>> ListProductsAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<Product>>(Api(HttpMethod.Get, "products" + Query(("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor))), cancellationToken);

    /// <summary><c>DELETE /products/:externalId</c>; past generations keep their own copy of the product.</summary>
    public Task DeleteProductAsync(string externalId, CancellationToken cancellationToken = default) =>
        SendAsync(Api(HttpMethod.Delete, $"products/{Segment(externalId)}"), cancellationToken);

    /// <summary><c>GET /products/:externalId/stats</c> over generations created between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public Task<ProductStats> GetProductStatsAsync(
        string externalId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default) =>
        SendAsync<ProductStats>(
            Api(HttpMethod.Get, $"products/{Segment(externalId)}/stats" + Query(("from", Timestamp(from)), ("to", Timestamp(to)))),
            cancellationToken);

    // Try-on and generations

    /// <summary><c>POST /try-on</c>: starts a generation (one credit); <paramref name="files"/> carry the images named by <c>fileKey</c>.</summary>
    public async Task<TryOnStarted> StartTryOnAsync(
        TryOnRequest request, IEnumerable<FilePart>? files = null, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await BodyAsync(request, files, cancellationToken).ConfigureAwait(false);
        return await SendAsync<TryOnStarted>(Creating(HttpMethod.Post, "try-on", body, options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /try-on/sync</c>: starts a generation and lets the server hold the answer until it ends (up to 90 s).
    /// When the server answers 202 (still running), the generation as it is then, not finished.
    /// </summary>
    public async Task<Generation> TryOnSyncAsync(
        TryOnRequest request, IEnumerable<FilePart>? files = null, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await BodyAsync(request, files, cancellationToken).ConfigureAwait(false);
        using var answer = await SendRawAsync(Creating(HttpMethod.Post, "try-on/sync", body, options), cancellationToken).ConfigureAwait(false);
        if (answer.StatusCode == HttpStatusCode.Accepted)
        {
            var started = await ReadAsync<TryOnStarted>(answer, cancellationToken).ConfigureAwait(false);
            return await GetGenerationAsync(started.GenerationId, cancellationToken).ConfigureAwait(false);
        }

        return await ReadAsync<Generation>(answer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a generation and waits until it is <c>COMPLETED</c> or <c>FAILED</c> (<see cref="WaitForCompletionAsync"/>).</summary>
    public async Task<Generation> RunTryOnAsync(
        TryOnRequest request, IEnumerable<FilePart>? files = null, RequestOptions? options = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var started = await StartTryOnAsync(request, files, options, cancellationToken).ConfigureAwait(false);
        return await WaitForCompletionAsync(started.GenerationId, timeout, cancellationToken).ConfigureAwait(false);
    }

    public Task<Generation> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default) =>
        SendAsync<Generation>(Api(HttpMethod.Get, $"generations/{Segment(generationId)}"), cancellationToken);

    /// <summary><c>GET /generations</c>: newest first, optionally only those in <paramref name="status"/>.</summary>
    public Task<Page<GenerationSummary>> ListGenerationsAsync(
        GenerationStatus? status = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<GenerationSummary>>(
            Api(HttpMethod.Get, "generations" + Query(
                ("status", status is { } s ? JsonSerializer.Serialize(s, TryOnJson.Options).Trim('"') : null),
                ("limit", limit?.ToString(CultureInfo.InvariantCulture)),
                ("cursor", cursor))),
            cancellationToken);

    /// <summary>
    /// Polls the generation every <see cref="TryOnClientOptions.PollInterval"/> until it is <c>COMPLETED</c> or
    /// <c>FAILED</c> and returns it (a failed one is returned, not thrown: read its <c>ErrorCode</c>). Throws
    /// <see cref="TimeoutException"/> after <paramref name="timeout"/>, and <see cref="OperationCanceledException"/>
    /// when <paramref name="cancellationToken"/> is cancelled; the generation itself runs on either way.
    /// </summary>
    public async Task<Generation> WaitForCompletionAsync(string generationId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var clock = _options.TimeProvider;
        var deadline = timeout is { } limit ? clock.GetUtcNow() + limit : DateTimeOffset.MaxValue;
        while (true)
        {
            var generation = await GetGenerationAsync(generationId, cancellationToken).ConfigureAwait(false);
            if (generation.IsFinished)
            {
                return generation;
            }

            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Generation {generationId} was still {generation.Status} after {timeout}.");
            }

            await Task.Delay(left < _options.PollInterval ? left : _options.PollInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Downloads a completed generation's result image through its signed link (sent without the API key).</summary>
    public async Task<byte[]> DownloadResultAsync(Generation generation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generation);
        if (generation.ResultImageUrl is not { } link)
        {
            throw new InvalidOperationException($"Generation {generation.GenerationId} is {generation.Status} and has no result image.");
        }

        using var answer = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(_base, link)), cancellationToken).ConfigureAwait(false);
        return await answer.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    // Account and customers

    public Task<Credits> GetCreditsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<Credits>(Api(HttpMethod.Get, "account/credits"), cancellationToken);

    public Task<CreditPacks> ListCreditPacksAsync(CancellationToken cancellationToken = default) =>
        SendAsync<CreditPacks>(Api(HttpMethod.Get, "account/packs"), cancellationToken);

    /// <summary><c>POST /account/checkout</c>: a Stripe Checkout link for a pack (<c>BILLING_NOT_CONFIGURED</c> without Stripe settings).</summary>
    public Task<Checkout> StartCheckoutAsync(string pack, CancellationToken cancellationToken = default) =>
        SendAsync<Checkout>(Api(HttpMethod.Post, "account/checkout", JsonContent.Create(new { pack }, options: TryOnJson.Options)), cancellationToken);

    /// <summary><c>DELETE /customers/:customerId</c>: erases an end user's photos and results (docs/privacy.md); idempotent.</summary>
    public Task EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default) =>
        SendAsync(Api(HttpMethod.Delete, $"customers/{Segment(customerId)}"), cancellationToken);

    // Webhooks

    /// <summary>Registers an endpoint for the <see cref="WebhookEventTypes"/>; keep the answer's secret, shown only here.</summary>
    public Task<CreatedWebhookEndpoint> CreateWebhookEndpointAsync(Uri url, IEnumerable<string> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        var body = JsonContent.Create(new { url = url.AbsoluteUri, events = events.ToArray() }, options: TryOnJson.Options);
        return SendAsync<CreatedWebhookEndpoint>(Api(HttpMethod.Post, "webhook-endpoints", body), cancellationToken);
    }

    public Task<Page<WebhookEndpoint>> ListWebhookEndpointsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<Page<WebhookEndpoint>>(Api(HttpMethod.Get, "webhook-endpoints"), cancellationToken);

    public Task DeleteWebhookEndpointAsync(string endpointId, CancellationToken cancellationToken = default) =>
        SendAsync(Api(HttpMethod.Delete, $"webhook-endpoints/{Segment(endpointId)}"), cancellationToken);

    /// <summary>An endpoint's deliveries, newest first.</summary>
    public Task<Page<WebhookDelivery>> ListWebhookDeliveriesAsync(
        string endpointId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<WebhookDelivery>>(
            Api(HttpMethod.Get, $"webhook-endpoints/{Segment(endpointId)}/deliveries"
                + Query(("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor))),
            cancellationToken);

    // The wire

    private HttpRequestMessage Api(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, new Uri(_base, "tryon/v1/" + path)) { Content = content };
        request.Headers.Add(ApiKeyHeader, _options.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    /// <summary>A call that creates something: it carries an Idempotency-Key (the caller's, or one drawn now) that its retries repeat.</summary>
    private HttpRequestMessage Creating(HttpMethod method, string path, HttpContent content, RequestOptions? options)
    {
        var request = Api(method, path, content);
        request.Headers.Add(IdempotencyKeyHeader, options?.IdempotencyKey ?? Guid.NewGuid().ToString("N"));
        return request;
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var answer = await SendRawAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(answer, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var answer = await SendRawAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            var answer = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            if (answer.IsSuccessStatusCode)
            {
                return answer;
            }

            using (answer)
            {
                throw await ErrorAnswers.ReadAsync(answer, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage answer, CancellationToken cancellationToken) =>
        await answer.Content.ReadFromJsonAsync<T>(TryOnJson.Options, cancellationToken).ConfigureAwait(false)
        ?? throw new JsonException($"The server answered {(int)answer.StatusCode} with an empty body.");

    /// <summary>JSON alone, or the multipart convention when files go with it: the JSON in the field <c>data</c>, each file a part named by its key.</summary>
    private static async Task<HttpContent> BodyAsync<T>(T body, IEnumerable<FilePart>? files, CancellationToken cancellationToken)
    {
        var json = JsonContent.Create(body, options: TryOnJson.Options);
        var parts = files?.ToList() ?? [];
        if (parts.Count == 0)
        {
            return json;
        }

        var form = new MultipartFormDataContent { { new StringContent(await json.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)), "data" } };
        foreach (var part in parts)
        {
            form.Add(await FileContentAsync(part.Content, cancellationToken).ConfigureAwait(false), part.Key, part.FileName);
        }

        return form;
    }

    /// <summary>The file's bytes, read once so that a retry sends them again. The server decides the format by the bytes.</summary>
    private static async Task<ByteArrayContent> FileContentAsync(Stream content, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        var file = new ByteArrayContent(copy.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return file;
    }

    private static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    private static string? Timestamp(DateTimeOffset? value) => value?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join('&', present);
    }
}
