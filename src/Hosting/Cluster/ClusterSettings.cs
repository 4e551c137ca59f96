using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace TryOn.Hosting.Cluster;

/// <summary>
/// Settings every process of a cluster deployment shares: the PostgreSQL database (the read models, and with the
/// default storage profile membership, grain state and reminders too), Azure Table storage for those three with the
/// <see cref="AzureStorage"/> profile, the blob storage, and the cluster's identity. Bound from
/// <c>ConnectionStrings:TryOn</c>, <c>ConnectionStrings:Tables</c>, <c>ConnectionStrings:Blobs</c>,
/// <c>Storage:BlobContainer</c> and <c>Orleans:*</c> (<c>Orleans:Tls:*</c> for the certificates of
/// <see cref="ClusterTransport"/>).
/// </summary>
public sealed class ClusterSettings
{
    public const string ServiceId = "tryon";

    /// <summary>The default storage profile: membership, grain state and reminders in the PostgreSQL database.</summary>
    public const string PostgreSql = "PostgreSql";

    /// <summary>The storage profile that keeps membership, grain state and reminders in Azure Table storage.</summary>
    public const string AzureStorage = "AzureStorage";

    public string? DatabaseConnectionString { get; set; }

    /// <summary>Where Orleans keeps membership, grain state and reminders: <see cref="PostgreSql"/> or <see cref="AzureStorage"/>.</summary>
    public string Storage { get; set; } = PostgreSql;

    /// <summary>The Azure Table storage connection string of the <see cref="AzureStorage"/> profile.</summary>
    public string? TablesConnectionString { get; set; }

    /// <summary>Whether membership, grain state and reminders live in Azure Table storage (<see cref="TablesConnectionString"/>).</summary>
    public bool UsesAzureTables => string.Equals(Storage, AzureStorage, StringComparison.OrdinalIgnoreCase);

    public string? BlobConnectionString { get; set; }

    public string BlobContainer { get; set; } = "tryon";

    /// <summary>Processes with the same cluster id form one cluster; a second deployment on the same database needs another.</summary>
    public string ClusterId { get; set; } = "tryon";

    /// <summary>Silo: the silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Silo: the port API processes connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Silo: the address other processes reach this silo at (default: this machine's first IPv4 address).</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Silo: apply the database schema at start-up (otherwise run <c>TryOn.Silo migrate</c> first).</summary>
    public bool MigrateAtStartup { get; set; }

    /// <summary>The certificates of Orleans' connections (mutual TLS).</summary>
    public ClusterTlsSettings Tls { get; set; } = new();

    /// <summary>What <see cref="Tls"/> names, loaded by <see cref="Validated"/>; <c>null</c> when TLS is off.</summary>
    public ClusterCertificates? Certificates { get; private set; }

    /// <summary>Names the cluster the same way on silos and API clients.</summary>
    public void Identify(Orleans.Configuration.ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ClusterId = ClusterId;
        options.ServiceId = ServiceId;
    }

    public static ClusterSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new ClusterSettings();
        configuration.GetSection("Orleans").Bind(settings);
        settings.DatabaseConnectionString = configuration.GetConnectionString("TryOn");
        settings.BlobConnectionString = configuration.GetConnectionString("Blobs");
        settings.TablesConnectionString = configuration.GetConnectionString("Tables");
        settings.BlobContainer = configuration["Storage:BlobContainer"] is { Length: > 0 } container ? container : settings.BlobContainer;
        return settings;
    }

    /// <summary>Stops the start with messages naming every wrong setting, the host's own <paramref name="hostFailures"/> too.</summary>
    public ClusterSettings Validated(bool isSilo, IEnumerable<string>? hostFailures = null)
    {
        var failures = new List<string>(hostFailures ?? []);
        if (string.IsNullOrWhiteSpace(DatabaseConnectionString))
        {
            failures.Add("ConnectionStrings:TryOn (the PostgreSQL connection string) is required in cluster mode (the read models live there with either storage profile).");
        }

        if (!string.Equals(Storage, PostgreSql, StringComparison.OrdinalIgnoreCase) && !UsesAzureTables)
        {
            failures.Add($"Orleans:Storage must be {PostgreSql} (the default) or {AzureStorage}, not '{Storage}'.");
        }
        else if (UsesAzureTables && string.IsNullOrWhiteSpace(TablesConnectionString))
        {
            failures.Add($"ConnectionStrings:Tables (the Azure Table storage connection string) is required with Orleans:Storage={AzureStorage}.");
        }

        if (string.IsNullOrWhiteSpace(BlobConnectionString))
        {
            failures.Add("ConnectionStrings:Blobs (the Azure Blob Storage connection string) is required in cluster mode.");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(BlobContainer, "^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"))
        {
            failures.Add("Storage:BlobContainer must be 3-63 lower case letters, digits and single '-' between them (an Azure container name).");
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            failures.Add("Orleans:ClusterId must not be empty.");
        }

        Certificates = Tls.Load(failures);
        if (isSilo)
        {
            if (SiloPort is < 1 or > 65535 || GatewayPort is < 1 or > 65535 || SiloPort == GatewayPort)
            {
                failures.Add("Orleans:SiloPort and Orleans:GatewayPort must be two different TCP ports (1-65535).");
            }

            if (AdvertisedAddress is not null && !IPAddress.TryParse(AdvertisedAddress, out _))
            {
                failures.Add("Orleans:AdvertisedAddress must be an IP address.");
            }
        }

        return failures.Count == 0 ? this : throw new OptionsValidationException("Cluster", typeof(ClusterSettings), failures);
    }
}
