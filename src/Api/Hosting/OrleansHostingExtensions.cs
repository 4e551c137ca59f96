using Microsoft.Extensions.Options;
using Orleans.Configuration;
using TryOn.Grains.Hosting;
using TryOn.Grains.Storage;
using TryOn.Hosting.Cluster;
using TryOn.Hosting.Health;

namespace TryOn.Api.Hosting;

internal static class OrleansHostingExtensions
{
    private const string ServiceId = ClusterSettings.ServiceId;

    /// <summary>
    /// Embedded mode (the default): this process is also the silo, with localhost clustering and everything
    /// stored under the data directory. Stopping and starting the process keeps all state. The silo listens on
    /// loopback only and opens no client gateway (gateway port 0): the API is its only client, in the same process.
    /// </summary>
    public static WebApplicationBuilder AddTryOnOrleans(this WebApplicationBuilder builder)
    {
        var hostOptions = TryOnHostOptions.From(builder.Configuration);
        var configuration = builder.Configuration;
        builder.Services.AddSingleton<IValidateOptions<TryOnHostOptions>, TryOnHostOptionsValidator>();
        builder.Services.AddOptions<TryOnHostOptions>()
            .Configure(options => TryOnHostOptions.Bind(options, configuration))
            .ValidateOnStart();

        if (hostOptions.Mode == HostingMode.Cluster)
        {
            var missingSettings = new[] { "Admin:Token", "Files:SigningKey" }
                .Where(key => string.IsNullOrEmpty(configuration[key]))
                .Select(key => $"{key} is required in cluster mode (the same value on every API process).")
                .Concat(string.IsNullOrEmpty(configuration["Files:PublicBaseUrl"])
                    ? ["Files:PublicBaseUrl is required in cluster mode (the load balancer's public origin, which signed links and the OpenAPI servers entry start with)."]
                    : []);
            return builder.AddClusterGateway(ClusterSettings.From(configuration).Validated(isSilo: false, missingSettings));
        }

        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(hostOptions.SiloPort, gatewayPort: 0, serviceId: ServiceId, clusterId: "tryon-embedded")
            .AddTryOnGrains()
            .UseEmbeddedStorage(hostOptions.DataDirectoryFullPath));
        builder.Services.AddHostedService<EmbeddedBootstrap>();
        builder.Services.AddHealthChecks()
            .AddCheck<EmbeddedDatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<ModelsHealthCheck>("models", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// Cluster mode: a stateless gateway. An Orleans client finds the silos' gateways in the membership table; the
    /// read model and the blobs are shared storage. Nothing is kept in this process, so any number of them can sit
    /// behind a load balancer. Cluster mode never creates development credentials: the admin token and the file
    /// signing key must be configured (the same on every API process), and so must the public base URL, since a
    /// gateway's own listening address is not where clients reach it; <paramref name="cluster"/> is validated.
    /// </summary>
    private static WebApplicationBuilder AddClusterGateway(this WebApplicationBuilder builder, ClusterSettings cluster)
    {
        builder.UseOrleansClient(client => client
            .Configure<ClusterOptions>(cluster.Identify)
            .UseClusterTransport(cluster.Certificates)
            .UsePostgresClustering(cluster.DatabaseConnectionString!));
        builder.Services.AddTryOnDomain();
        builder.Services.AddPostgresReadModels(cluster.DatabaseConnectionString!);
        builder.Services.AddAzureBlobStore(cluster.BlobConnectionString!, cluster.BlobContainer);
        builder.Services.AddHealthChecks()
            .AddCheck<ClusterDatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }
}
