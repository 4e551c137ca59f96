using System.Globalization;
using System.Net.Http.Headers;
using TryOn.Hosting.Cluster;
using TryOn.Storage.Postgres;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Cluster;

/// <summary>The test classes that share one <see cref="ClusterFixture"/>, one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>
/// A whole cluster deployment as real child processes: PostgreSQL and Azurite, two silos and two API gateways,
/// all on 127.0.0.1, their Orleans connections on mutual TLS with one cluster certificate. Each fixture gets its
/// own database and cluster id. Tests may kill <c>Silos[0]</c>; <c>Silos[1]</c> stays up.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string AdminToken = "cluster-test-admin-token-0123456789";

    /// <summary>The load balancer's origin, as production configures it; no test calls it.</summary>
    public const string PublicBaseUrl = "https://tryon.cluster.test";

    private readonly List<ServiceProcess> _processes = [];
    private readonly TempDirectory _secrets = new();
    private PostgresServer _postgres = null!;
    private AzuriteServer _azurite = null!;
    private Dictionary<string, string> _shared = null!;

    public List<ServiceProcess> Silos { get; } = [];

    /// <summary>The Orleans gateway port of each silo, in the order of <see cref="Silos"/>.</summary>
    public List<int> GatewayPorts { get; } = [];

    public List<ServiceProcess> Apis { get; } = [];

    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The certificate every process of the cluster holds (a PKCS#12 file).</summary>
    public string CertificatePath => Path.Combine(_secrets.Path, "cluster.pfx");

    public async Task InitializeAsync()
    {
        using (var certificate = ClusterCertificates.CreateSelfSigned(TimeSpan.FromDays(1)))
        {
            ClusterCertificates.WritePkcs12(certificate, CertificatePath);
        }

        _postgres = await PostgresServer.StartAsync();
        _azurite = await AzuriteServer.StartAsync();
        var database = await _postgres.CreateDatabaseAsync();
        await PostgresDatabase.MigrateAsync(database, CancellationToken.None);
        _shared = new Dictionary<string, string>
        {
            ["ConnectionStrings__TryOn"] = database,
            ["ConnectionStrings__Blobs"] = _azurite.ConnectionString,
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__Tls__Certificate"] = CertificatePath,
            ["Logging__LogLevel__Default"] = "Warning",
        };

        // Silos notice a dead peer within seconds rather than the production default.
        var silo = new Dictionary<string, string>(_shared)
        {
            ["Orleans__AdvertisedAddress"] = "127.0.0.1",
            ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
            ["Orleans__Membership__NumMissedProbesLimit"] = "2",
            ["Orleans__Membership__IAmAliveTablePublishTimeout"] = "00:00:05",
            ["Engines__MockDuration"] = "00:00:00.400",
            ["Engines__Slots"] = "2",
            ["Engines__AttemptDeadline"] = "00:00:15",
        };
        foreach (var _ in Enumerable.Range(0, 2))
        {
            silo["Orleans__SiloPort"] = ServiceProcess.FreePort().ToString(CultureInfo.InvariantCulture);
            GatewayPorts.Add(ServiceProcess.FreePort());
            silo["Orleans__GatewayPort"] = GatewayPorts[^1].ToString(CultureInfo.InvariantCulture);
            Silos.Add(Track(await ServiceProcess.StartHostAsync("TryOn.Silo.dll", silo)));
        }

        var api = new Dictionary<string, string>(_shared)
        {
            ["Admin__Token"] = AdminToken,
            ["Files__SigningKey"] = "cluster-test-file-signing-key-0123456789-abcdef",
            ["Files__PublicBaseUrl"] = PublicBaseUrl,
        };
        foreach (var _ in Enumerable.Range(0, 2))
        {
            Apis.Add(Track(await ServiceProcess.StartHostAsync("TryOn.Gateway.dll", api)));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await _azurite.DisposeAsync();
        await _postgres.DisposeAsync();
        _secrets.Dispose();
    }

    public HttpClient Client(ServiceProcess api, string? apiKey = null, bool admin = false)
    {
        var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", apiKey);
        }

        if (admin)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        }

        return client;
    }

    private ServiceProcess Track(ServiceProcess process)
    {
        _processes.Add(process);
        return process;
    }
}
