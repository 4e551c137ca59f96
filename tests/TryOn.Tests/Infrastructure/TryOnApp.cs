using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TryOn.Tests.Infrastructure;

/// <summary>
/// The real service on a real Kestrel socket on 127.0.0.1, in embedded mode, with its own data directory
/// and Orleans ports, so instances can run side by side. Every log line is captured for assertions.
/// </summary>
public sealed class TryOnApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _replaceServices;

    public TryOnApp(string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? replaceServices = null)
    {
        DataDirectory = dataDirectory;
        _replaceServices = replaceServices;
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["DataDirectory"] = dataDirectory,
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        // Tests run the service as shipped, whatever the checkout has installed, unless they ask for the ISNet model.
        _settings.TryAdd("Models:IsnetDirectory", "");
        UseKestrel(0);
    }

    public string DataDirectory { get; }

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Starts the server and returns its loopback base address.</summary>
    public Uri Start()
    {
        StartServer();
        return ClientOptions.BaseAddress;
    }

    public HttpClient CreateHttpClient()
    {
        StartServer();
        // After StartServer, ClientOptions.BaseAddress is the Kestrel address; keep it.
        return CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = ClientOptions.BaseAddress, AllowAutoRedirect = false });
    }

    public HttpClient CreateMerchantClient(string apiKey)
    {
        var client = CreateHttpClient();
        client.DefaultRequestHeaders.Add("x-api-key", apiKey);
        return client;
    }

    public HttpClient CreateAdminClient()
    {
        var client = CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    public string AdminToken => _settings.TryGetValue("Admin:Token", out var token) && token is not null
        ? token
        : File.ReadAllText(Path.Combine(DataDirectory, "admin-token.txt")).Trim();

    public string DevelopmentApiKey => File.ReadAllText(Path.Combine(DataDirectory, "dev-api-key.txt")).Trim();

    /// <summary>Starts the server (which runs the bootstrap) and reads the development key it wrote.</summary>
    public string DevelopmentApiKeyAfterStart()
    {
        StartServer();
        return DevelopmentApiKey;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_replaceServices is not null)
        {
            builder.ConfigureTestServices(_replaceServices);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(new CapturingLoggerProvider(Logs));
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, sink);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
