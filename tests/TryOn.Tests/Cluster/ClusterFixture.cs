using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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
/// own database and cluster id. Tests may kill <c>Silos[0]</c> (and start it again); <c>Silos[1]</c> stays up. Its silos
/// notice a dead peer within seconds (<see cref="SiloSettings"/>); a fixture that needs Orleans' defaults overrides it.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public const string AdminToken = "cluster-test-admin-token-0123456789";

    /// <summary>The load balancer's origin, as production configures it; no test calls it.</summary>
    public const string PublicBaseUrl = "https://tryon.cluster.test";

    private readonly List<ServiceProcess> _processes = [];
    private readonly TempDirectory _secrets = new();
    private PostgresServer? _postgres;
    private AzuriteServer? _azurite;
    private AzuriteServer? _tables;
    private Dictionary<string, string> _shared = null!;
    private readonly List<Dictionary<string, string>> _siloEnvironments = [];

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
        _tables = OnAzureTables ? await AzuriteServer.StartTablesAsync() : null;
        var database = await _postgres.CreateDatabaseAsync();
        await PostgresDatabase.MigrateAsync(database, CancellationToken.None);
        _shared = new Dictionary<string, string>
        {
            ["ConnectionStrings__TryOn"] = database,
            ["ConnectionStrings__Blobs"] = _azurite.ConnectionString,
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__Tls__Certificate"] = CertificatePath,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Files__SigningKey"] = "cluster-test-file-signing-key-0123456789-abcdef",
            ["Files__PublicBaseUrl"] = PublicBaseUrl,
        };
        if (_tables is not null)
        {
            _shared["Orleans__Storage"] = ClusterSettings.AzureStorage;
            _shared["ConnectionStrings__Tables"] = _tables.ConnectionString;
        }

        foreach (var (key, value) in SharedSettings)
        {
            _shared[key] = value;
        }

        foreach (var _ in Enumerable.Range(0, 2))
        {
            var silo = new Dictionary<string, string>(_shared) { ["Orleans__AdvertisedAddress"] = "127.0.0.1" };
            foreach (var (key, value) in SiloSettings)
            {
                silo[key] = value;
            }

            silo["Orleans__SiloPort"] = ServiceProcess.FreePort().ToString(CultureInfo.InvariantCulture);
            GatewayPorts.Add(ServiceProcess.FreePort());
            silo["Orleans__GatewayPort"] = GatewayPorts[^1].ToString(CultureInfo.InvariantCulture);
            _siloEnvironments.Add(silo);
            Silos.Add(Track(await ServiceProcess.StartHostAsync("TryOn.Silo.dll", silo)));
        }

        var api = new Dictionary<string, string>(_shared)
        {
            ["Admin__Token"] = AdminToken,
        };
        foreach (var _ in Enumerable.Range(0, 2))
        {
            Apis.Add(Track(await ServiceProcess.StartHostAsync("TryOn.Gateway.dll", api)));
        }
    }

    /// <summary>Whether Orleans' membership, grain state and reminders live in Azure Table storage (Azurite's table service) instead of PostgreSQL.</summary>
    protected virtual bool OnAzureTables => false;

    /// <summary>Settings every process of the cluster gets besides the fixture's own (none here).</summary>
    protected virtual IReadOnlyDictionary<string, string> SharedSettings { get; } = new Dictionary<string, string>();

    /// <summary>
    /// The engine and membership settings of every silo: a 400 ms mock engine with two slots, and a dead peer noticed
    /// within seconds rather than with the production defaults.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, string> SiloSettings { get; } = new Dictionary<string, string>
    {
        ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
        ["Orleans__Membership__NumMissedProbesLimit"] = "2",
        ["Orleans__Membership__IAmAliveTablePublishTimeout"] = "00:00:05",
        ["Engines__MockDuration"] = "00:00:00.400",
        ["Engines__Slots"] = "2",
        ["Engines__AttemptDeadline"] = "00:00:15",
    };

    /// <summary>Starts silo <paramref name="index"/> again (after a kill) on its ports and settings; returns once it is ready.</summary>
    public async Task<ServiceProcess> RestartSiloAsync(int index)
    {
        Silos[index] = Track(await ServiceProcess.StartHostAsync("TryOn.Silo.dll", _siloEnvironments[index]));
        return Silos[index];
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        // Either may be missing when the start failed half-way.
        foreach (var azurite in new[] { _azurite, _tables }.OfType<AzuriteServer>())
        {
            await azurite.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _secrets.Dispose();
    }

    /// <summary>
    /// A merchant as the tests need one, made through the gateways: an account with <paramref name="credits"/> and
    /// generous limits, an API key, a shopper photo uploaded through the first gateway and a mock product
    /// (<c>mock-tee</c>) through the second (they share the blob store).
    /// </summary>
    public async Task<ClusterShop> CreateShopAsync(string name, int credits)
    {
        using var admin = Client(Apis[0], admin: true);
        var account = await (await admin.PostAsJsonAsync("/admin/v1/accounts", new { name, credits, limits = new { writesPerMinute = 10_000, maxInFlightGenerations = 1000 } }))
            .ShouldBeOkAsync(HttpStatusCode.Created);
        var accountId = account.GetProperty("accountId").GetString()!;
        var key = (await (await admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "k" })).ShouldBeOkAsync(HttpStatusCode.Created))
            .GetProperty("key").GetString()!;

        using var first = Client(Apis[0], key);
        using var upload = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestImages.Read("person-astronaut.png")) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "file", "me.png" },
        };
        var uploaded = await (await first.PostAsync(new Uri("/tryon/v1/images/upload", UriKind.Relative), upload)).ShouldBeOkAsync();

        using var second = Client(Apis[1], key);
        using var garment = TestImages.Solid(200, 240, 30, 90, 200);
        using var product = new MultipartFormDataContent
        {
            { new StringContent("""{"externalId": "mock-tee", "title": "mock", "category": "tops", "images": [{"source": {"fileKey": "g"}}]}"""), "data" },
            { new ByteArrayContent(TestImages.Png(garment)) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "g", "g.png" },
        };
        await (await second.PostAsync(new Uri("/tryon/v1/products", UriKind.Relative), product)).ShouldBeOkAsync();
        return new ClusterShop(accountId, key, uploaded.GetProperty("imageId").GetString()!, uploaded.GetProperty("imageUrl").GetString()!);
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

/// <summary>A merchant of the cluster tests: its account, API key, uploaded shopper photo and that photo's link.</summary>
public sealed record ClusterShop(string AccountId, string Key, string ImageId, string ImageUrl)
{
    /// <summary>A try-on of the mock product on the uploaded photo.</summary>
    public object TryOnRequest => new { products = new[] { new { externalId = "mock-tee" } }, person = new { image = new { source = new { id = ImageId } } } };
}
