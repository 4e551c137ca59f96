using TryOn.Storage.Postgres;

namespace TryOn.Hosting.Cluster;

/// <summary>The client side of cluster mode's membership: what a gateway needs to find the silos.</summary>
public static class ClusterClientExtensions
{
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
}
