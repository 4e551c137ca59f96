using System.Net;
using System.Net.Sockets;
using Orleans.Configuration;
using TryOn.Grains.Engines;
using TryOn.Grains.Hosting;
using TryOn.Hosting.Cluster;
using TryOn.Hosting.Health;
using TryOn.Hosting.Operators;
using TryOn.Storage.Blobs;

namespace TryOn.Silo;

internal static class SiloHostingExtensions
{
    public static WebApplicationBuilder AddTryOnSilo(this WebApplicationBuilder builder, ClusterSettings cluster)
    {
        var advertised = cluster.AdvertisedAddress is { } address ? IPAddress.Parse(address) : FirstIPv4Address();
        builder.UseOrleans(silo => silo
            .Configure<ClusterOptions>(cluster.Identify)
            .ConfigureEndpoints(advertised, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true)
            .UseClusterTransport(cluster.Certificates)
            // Failure detection settings (ProbeTimeout, NumMissedProbesLimit, …) can be tuned under Orleans:Membership.
            .Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Orleans:Membership"))
            .AddTryOnGrains()
            .AddOrleansDashboardWhenEnabled(builder.Configuration)
            .UseClusterStorage(cluster.DatabaseConnectionString!, cluster.MigrateAtStartup, cluster.UsesAzureTables ? cluster.TablesConnectionString : null));
        builder.Services.AddAzureBlobStore(cluster.BlobConnectionString!, cluster.BlobContainer);

        var checks = builder.Services.AddHealthChecks()
            .AddClusterDatabaseCheck(HealthEndpoints.ReadyTag)
            .AddModelsCheck(HealthEndpoints.ReadyTag);
        if (cluster.UsesAzureTables)
        {
            checks.AddTableStorageCheck(cluster.TablesConnectionString!, HealthEndpoints.ReadyTag);
        }

        return builder;
    }

    private static IPAddress FirstIPv4Address() =>
        Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
        ?? IPAddress.Loopback;
}
