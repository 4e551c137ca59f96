using Microsoft.Extensions.Options;
using TryOn.Hosting.Health;
using TryOn.Grains.Hosting;

namespace TryOn.Api.Hosting;

internal static class OrleansHostingExtensions
{
    private const string ServiceId = "tryon";

    /// <summary>
    /// Embedded mode (the default): this process is also the silo, with localhost clustering and everything
    /// stored under the data directory. Stopping and starting the process keeps all state.
    /// </summary>
    public static WebApplicationBuilder AddTryOnOrleans(this WebApplicationBuilder builder)
    {
        var hostOptions = TryOnHostOptions.From(builder.Configuration);
        var configuration = builder.Configuration;
        builder.Services.AddSingleton<IValidateOptions<TryOnHostOptions>, TryOnHostOptionsValidator>();
        builder.Services.AddOptions<TryOnHostOptions>()
            .Configure(options => TryOnHostOptions.Bind(options, configuration))
            .ValidateOnStart();

        if (hostOptions.Mode != HostingMode.Embedded)
        {
            throw new OptionsValidationException(
                "Orleans",
                typeof(TryOnHostOptions),
                ["Orleans:Mode=Cluster is not available yet: the PostgreSQL cluster storage is still to be built. Use the embedded default."]);
        }

        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(hostOptions.SiloPort, hostOptions.GatewayPort, serviceId: ServiceId, clusterId: "tryon-embedded")
            .AddTryOnGrains()
            .UseEmbeddedStorage(hostOptions.DataDirectoryFullPath));
        builder.Services.AddHostedService<EmbeddedBootstrap>();
        builder.Services.AddHealthChecks()
            .AddCheck<EmbeddedDatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<ModelsHealthCheck>("models", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }
}
