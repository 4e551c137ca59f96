using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace TryOn.Benchmarks;

/// <summary>
/// The embedded service (API and silo in one process) on a real loopback port and its own data directory, for
/// benchmarks that go through HTTP. <see cref="CreateMerchantClient"/> uses the development account, whose request
/// budgets are raised to the maximum so the rate limiter admits everything a benchmark sends.
/// </summary>
internal sealed class EmbeddedService : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    public EmbeddedService(IReadOnlyDictionary<string, string>? settings = null)
    {
        _settings = settings ?? new Dictionary<string, string>();
        UseKestrel(0);
        StartServer();
        using var admin = CreateAdminClient();
        var accounts = admin.GetFromJsonAsync<AccountList>("/admin/v1/accounts").GetAwaiter().GetResult()!;
        AccountId = accounts.Items.Single().AccountId;
        admin.PatchAsJsonAsync($"/admin/v1/accounts/{AccountId}", new { limits = new { writesPerMinute = 100_000, readsPerMinute = 1_000_000, maxInFlightGenerations = 10_000 } })
            .GetAwaiter().GetResult().EnsureSuccessStatusCode();
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "tryon-bench", Guid.NewGuid().ToString("N"));

    /// <summary>The development account the service created on its first start.</summary>
    public string AccountId { get; }

    public HttpClient CreateMerchantClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("x-api-key", ReadDataFile("dev-api-key.txt"));
        return client;
    }

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", ReadDataFile("admin-token.txt"));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The service reads no content files; the output folder spares the factory its solution search.
        builder.UseContentRoot(AppContext.BaseDirectory);
        builder.UseSetting("DataDirectory", DataDirectory);
        builder.UseSetting("Orleans:SiloPort", FreePort());
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private string ReadDataFile(string name) => File.ReadAllText(Path.Combine(DataDirectory, name)).Trim();

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed record AccountList(IReadOnlyList<AccountItem> Items);

    private sealed record AccountItem(string AccountId);
}
