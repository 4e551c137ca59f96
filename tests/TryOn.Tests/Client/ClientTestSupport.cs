using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Client;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Client;

/// <summary>The real embedded service with a fast mock engine, and helpers that make merchants and clients for it.</summary>
public sealed class ClientAppFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public TryOnApp App { get; private set; } = null!;

    public LoopbackImageServer Images { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Images = await LoopbackImageServer.StartAsync();
        App = new TryOnApp(_directory.Path, new Dictionary<string, string?>
        {
            ["Engines:MockDuration"] = "00:00:00.200",
            ["Fetch:AllowPrivateNetworks"] = "true",
        });
        BaseAddress = App.Start();
        Admin = App.CreateAdminClient();
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await App.DisposeAsync();
        await Images.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>A new account with its own key (so budgets and credits are the test's own).</summary>
    public async Task<string> ApiKeyAsync(long credits = 10, object? limits = null)
    {
        var account = await (await Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Client shop", credits, limits })).ShouldBeOkAsync(System.Net.HttpStatusCode.Created);
        var accountId = account.GetProperty("accountId").GetString()!;
        var key = await (await Admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "client" })).ShouldBeOkAsync(System.Net.HttpStatusCode.Created);
        return key.GetProperty("key").GetString()!;
    }

    /// <summary>
    /// A client registered as a merchant's application registers it (<c>AddTryOnClient</c> on a service collection), with
    /// a short backoff so retries do not slow the suite, and an attempt counter under the retry handler: what went on
    /// the wire.
    /// </summary>
    public static TryOnClient Client(Uri baseAddress, string apiKey, out AttemptCounter attempts, Action<TryOnClientOptions>? configure = null)
    {
        var counter = new AttemptCounter();
        var services = new ServiceCollection();
        services.AddTryOnClient(options =>
        {
            options.BaseAddress = baseAddress;
            options.ApiKey = apiKey;
            options.RetryDelay = TimeSpan.FromMilliseconds(50);
            options.PollInterval = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(options);
        }).AddHttpMessageHandler(() => counter);
        attempts = counter;
        return services.BuildServiceProvider().GetRequiredService<TryOnClient>();
    }

    /// <summary>A stored mock product ("mock" selects the mock engine: the result is the shopper photo).</summary>
    public async Task MockProductAsync(TryOnClient client, string externalId) =>
        await client.UpsertProductAsync(new TryOn.Client.Products.ProductInput
        {
            ExternalId = externalId,
            Title = "mock",
            Category = "tops",
            Images = [TryOn.Client.Products.ProductImageInput.FromUrl(new Uri(Images.Serve($"{externalId}.png", Images.Image)), new Dictionary<string, bool> { ["flat_lay"] = true })],
        });

    public static async Task<long> BalanceAsync(TryOnClient client) => (await client.GetCreditsAsync()).CreditBalance;

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}

/// <summary>Counts the attempts that reached the wire, under the retry handler.</summary>
public sealed class AttemptCounter : DelegatingHandler
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        return base.SendAsync(request, cancellationToken);
    }
}
