using Orleans.Configuration;
using TryOn.Hosting.Cluster;
using TryOn.Hosting.Health;
using TryOn.Hosting.Operators;
using TryOn.Storage.Blobs;
using TryOn.Storage.ReadModels;
using TryOn.Web.Dashboard;

namespace TryOn.Web.Hosting;

public static class ClusterGatewayExtensions
{
    /// <summary>
    /// How long the gateway waits for any grain call (Orleans' default is 30 s). A call sent through a silo that then
    /// dies is never answered (the client does not fail it when the connection drops), so this bounds what a merchant
    /// waits for a dead silo on the calls without a deadline of their own; every call the API makes to a grain is
    /// short work (images are read and normalised in the gateway, analysis runs in the background). Polls, API-key
    /// checks and admissions have shorter deadlines of their own (docs/deployment.md, "When a silo dies").
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Cluster mode: a stateless gateway. An Orleans client finds the silos' gateways in the membership table; the
    /// read model and the blobs are shared storage. Nothing is kept in this process, so any number of them can sit
    /// behind a load balancer. Cluster mode never creates development credentials: the admin token and the file
    /// signing key must be configured (the same on every gateway), and so must the public base URL, since a
    /// gateway's own listening address is not where clients reach it. The cluster settings are validated here.
    /// </summary>
    public static WebApplicationBuilder AddClusterGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var missingSettings = new[] { "Admin:Token", "Files:SigningKey" }
            .Where(key => string.IsNullOrEmpty(configuration[key]))
            .Select(key => $"{key} is required in cluster mode (the same value on every gateway).")
            .Concat(string.IsNullOrEmpty(configuration["Files:PublicBaseUrl"])
                ? ["Files:PublicBaseUrl is required in cluster mode (the load balancer's public origin, which signed links and the OpenAPI servers entry start with)."]
                : []);
        var cluster = ClusterSettings.From(configuration).Validated(isSilo: false, missingSettings);

        builder.UseOrleansClient(client => client
            .Configure<ClusterOptions>(cluster.Identify)
            .Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = ResponseTimeout)
            // A request's trace goes on into the silos with its grain calls (src/Hosting/Telemetry).
            .AddActivityPropagation()
            .UseClusterTransport(cluster.Certificates)
            .UseClusterMembership(cluster)
            .AddOrleansDashboardWhenEnabled(configuration));
        builder.Services.AddPostgresReadModels(cluster.DatabaseConnectionString!);
        builder.Services.StoreDashboardKeysInPostgres();
        builder.Services.AddAzureBlobStore(cluster.BlobConnectionString!, cluster.BlobContainer);
        var checks = builder.Services.AddHealthChecks().AddClusterDatabaseCheck(HealthEndpoints.ReadyTag);
        if (cluster.UsesAzureTables)
        {
            checks.AddTableStorageCheck(cluster.TablesConnectionString!, HealthEndpoints.ReadyTag);
        }

        return builder;
    }
}
