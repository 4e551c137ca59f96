using TryOn.Hosting.Cluster;
using TryOn.Hosting.Health;
using TryOn.Hosting.Logging;
using TryOn.Hosting.Telemetry;
using TryOn.Storage.Postgres;

namespace TryOn.Silo;

/// <summary>
/// The standalone silo of a cluster deployment (the GPU workers): grains, the inference scheduler and the engines,
/// with PostgreSQL for membership, state, reminders and the read model, and Azure Blob Storage for images. Its only
/// HTTP endpoints are health and the Prometheus scrape (<c>/metrics</c>). <c>TryOn.Silo migrate</c> applies the database schema and exits;
/// <c>TryOn.Silo cluster-certificate &lt;file&gt;</c> writes a new self-signed certificate for the cluster's TLS.
/// </summary>
internal static class SiloProgram
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var settings = ClusterSettings.From(builder.Configuration);
        if (args is ["migrate", ..])
        {
            var connectionString = settings.DatabaseConnectionString is { Length: > 0 } configured
                ? configured
                : throw new InvalidOperationException("ConnectionStrings:TryOn (the PostgreSQL connection string) is required.");
            var applied = await PostgresDatabase.MigrateAsync(connectionString, CancellationToken.None);
            Console.WriteLine(applied.Count == 0
                ? "TryOn.Silo: the database schema is current."
                : $"TryOn.Silo: applied {string.Join(", ", applied)}.");
            return 0;
        }

        if (args is ["cluster-certificate", var path, ..])
        {
            return WriteClusterCertificate(path);
        }

        builder.Logging.AddTryOnLogDefaults();
        builder.AddTryOnTelemetry("tryon-silo");
        // Webhook events carry the generation with its signed result link, which the silo signs as the API does.
        var missingSettings = new[] { "Files:SigningKey", "Files:PublicBaseUrl" }
            .Where(key => string.IsNullOrEmpty(builder.Configuration[key]))
            .Select(key => $"{key} is required on silos (the same value as on the gateways: webhook events carry signed result links).");
        builder.AddTryOnSilo(settings.Validated(isSilo: true, missingSettings));
        var app = builder.Build();
        app.MapHealthEndpoints();
        app.MapTelemetryEndpoints();
        await app.RunAsync();
        return 0;
    }

    private static int WriteClusterCertificate(string path)
    {
        using var certificate = ClusterCertificates.CreateSelfSigned(TimeSpan.FromDays(730));
        try
        {
            ClusterCertificates.WritePkcs12(certificate, path);
        }
        catch (IOException exception)
        {
            Console.Error.WriteLine($"TryOn.Silo: {exception.Message}");
            return 1;
        }

        Console.WriteLine($"TryOn.Silo: wrote {path} ({certificate.Subject}, valid until {certificate.NotAfter:yyyy-MM-dd}). "
            + "Give every silo and API process of the cluster this file as Orleans:Tls:Certificate, and keep it secret.");
        return 0;
    }
}
