using Microsoft.Extensions.Options;
using TryOn.Grains.Engines;
using TryOn.Grains.Hosting;
using TryOn.Hosting.Cluster;
using TryOn.Hosting.Health;
using TryOn.Hosting.Operators;
using TryOn.Web.Dashboard;
using TryOn.Web.Hosting;

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
            // The same process as src/Gateway: kept so that a deployment started as src/Api in cluster mode still runs.
            return builder.AddClusterGateway();
        }

        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(hostOptions.SiloPort, gatewayPort: 0, serviceId: ServiceId, clusterId: "tryon-embedded")
            .AddTryOnGrains()
            .AddOrleansDashboardWhenEnabled(configuration)
            .UseEmbeddedStorage(hostOptions.DataDirectoryFullPath));
        builder.Services.AddEmbeddedBootstrap(hostOptions.DataDirectoryFullPath);
        builder.Services.StoreDashboardKeysInDataDirectory(hostOptions.DataDirectoryFullPath);
        builder.Services.AddHealthChecks()
            .AddEmbeddedDatabaseCheck(HealthEndpoints.ReadyTag)
            .AddModelsCheck(HealthEndpoints.ReadyTag);
        return builder;
    }
}
