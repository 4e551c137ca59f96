using BenchmarkDotNet.Attributes;

namespace TryOn.Benchmarks;

/// <summary>
/// The authenticated credits read, <c>GET /tryon/v1/account/credits</c>, end to end over a real loopback socket
/// against the embedded service: Kestrel, request id, API-key authentication, the rate limiter, the account grain,
/// JSON. <see cref="KeyCacheMilliseconds"/> 500 is the default (key verdicts cached); 0 asks the key index and the
/// account grain on every request, the cost of a cache miss.
/// </summary>
[MemoryDiagnoser]
public class CreditsReadBenchmarks
{
    private EmbeddedService? _service;
    private HttpClient? _client;

    [Params(500, 0)]
    public int KeyCacheMilliseconds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _service = new EmbeddedService(new Dictionary<string, string>
        {
            ["Authentication:ApiKeys:CacheDuration"] = TimeSpan.FromMilliseconds(KeyCacheMilliseconds).ToString(),
        });
        _client = _service.CreateMerchantClient();
        ReadCreditsAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client?.Dispose();
        _service?.Dispose();
    }

    [Benchmark]
    public async Task<string> ReadCreditsAsync()
    {
        using var response = await _client!.GetAsync(new Uri("/tryon/v1/account/credits", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }
}
