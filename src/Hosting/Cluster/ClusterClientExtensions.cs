using Azure.Data.Tables;
using TryOn.Storage.Postgres;

namespace TryOn.Hosting.Cluster;

/// <summary>The client side of cluster mode's membership: what a gateway needs to find the silos.</summary>
public static class ClusterClientExtensions
{
    /// <summary>Finds the silos' gateways where the cluster's storage profile keeps membership (<see cref="ClusterSettings.Storage"/>).</summary>
    public static IClientBuilder UseClusterMembership(this IClientBuilder client, ClusterSettings cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.UsesAzureTables
            ? client.UseAzureTableClustering(cluster.TablesConnectionString!)
            : client.UsePostgresClustering(cluster.DatabaseConnectionString!);
    }

    /// <summary>
    /// Finds the gateways of active silos in the PostgreSQL membership table the silos write (ADO.NET clustering,
    /// invariant "Npgsql"). A malformed <paramref name="connectionString"/> throws <see cref="ArgumentException"/> here.
    /// </summary>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder client, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(client);
        var normalized = PostgresDatabase.ParseConnectionString(connectionString).ConnectionString;
        return client.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresDatabase.Invariant;
            options.ConnectionString = normalized;
        });
    }

    /// <summary>Finds the gateways of active silos in the Azure Table storage membership table the silos write.</summary>
    public static IClientBuilder UseAzureTableClustering(this IClientBuilder client, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.UseAzureStorageClustering(options => options.TableServiceClient = new TableServiceClient(connectionString));
    }
}
