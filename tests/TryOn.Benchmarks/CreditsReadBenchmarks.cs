using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace TryOn.Benchmarks;

/// <summary>
/// The authenticated credits read, <c>GET /tryon/v1/account/credits</c>, end to end over a real loopback socket
/// against the embedded service: Kestrel, request id, API-key authentication, the account grain, JSON.
/// <see cref="KeyCacheMilliseconds"/> 500 is the default (key verdicts cached); 0 asks the key index and the
/// account grain on every request, the cost of a cache miss.
/// </summary>
[MemoryDiagnoser]
public class CreditsReadBenchmarks
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "tryon-bench", Guid.NewGuid().ToString("N"));
    private ServiceHost? _host;
    private HttpClient? _client;

    [Params(500, 0)]
    public int KeyCacheMilliseconds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _host = new ServiceHost(_dataDirectory, KeyCacheMilliseconds);
        _client = _host.CreateClient();
        _client.DefaultRequestHeaders.Add("x-api-key", File.ReadAllText(Path.Combine(_dataDirectory, "dev-api-key.txt")).Trim());
        ReadCreditsAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client?.Dispose();
        _host?.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Benchmark]
    public async Task<string> ReadCreditsAsync()
    {
        using var response = await _client!.GetAsync(new Uri("/tryon/v1/account/credits", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private sealed class ServiceHost : WebApplicationFactory<Program>
    {
        private readonly string _dataDirectory;
        private readonly int _keyCacheMilliseconds;

        public ServiceHost(string dataDirectory, int keyCacheMilliseconds)
        {
            _dataDirectory = dataDirectory;
            _keyCacheMilliseconds = keyCacheMilliseconds;
            UseKestrel(0);
            StartServer();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // The service reads no content files; the output folder spares the factory its solution search.
            builder.UseContentRoot(AppContext.BaseDirectory);
            builder.UseSetting("DataDirectory", _dataDirectory);
            builder.UseSetting("Orleans:SiloPort", FreePort());
            builder.UseSetting("Orleans:GatewayPort", FreePort());
            builder.UseSetting("Authentication:ApiKeys:CacheDuration", TimeSpan.FromMilliseconds(_keyCacheMilliseconds).ToString());
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }

        private static string FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
