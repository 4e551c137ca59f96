using Microsoft.Extensions.Options;
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
            // The validator stops the start with a message naming the setting.
            return builder;
        }

        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(hostOptions.SiloPort, hostOptions.GatewayPort, serviceId: ServiceId, clusterId: "tryon-embedded")
            .AddTryOnGrains()
            .UseEmbeddedStorage(hostOptions.DataDirectoryFullPath));
        builder.Services.AddHostedService<EmbeddedBootstrap>();
        return builder;
    }
}
