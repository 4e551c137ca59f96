using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using TryOn.Grains.Persistence;
using TryOn.Storage.Postgres;
using TryOn.Storage.ReadModels;

namespace TryOn.Grains.Hosting;

/// <summary>
/// Cluster mode's storage: the read models in one PostgreSQL database, and Orleans' membership, grain state and
/// reminders either there too (the ADO.NET providers, invariant "Npgsql": the default) or in Azure Table storage (the
/// Orleans Azure Storage providers). Blob storage is configured separately. See docs/deployment.md, "Storage profiles".
/// </summary>
public static partial class ClusterStorageExtensions
{
    /// <summary>
    /// Silo side: the PostgreSQL read models, and clustering, grain storage <see cref="StorageNames.Grains"/> and
    /// reminders in PostgreSQL or, given <paramref name="tablesConnectionString"/>, in Azure Table storage. With
    /// <paramref name="migrateAtStartup"/> the PostgreSQL schema is applied before any provider starts; without it the
    /// start fails, saying so, unless the schema is already current. A malformed <paramref name="connectionString"/>
    /// throws <see cref="ArgumentException"/> here.
    /// </summary>
    public static ISiloBuilder UseClusterStorage(this ISiloBuilder silo, string connectionString, bool migrateAtStartup, string? tablesConnectionString = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var normalized = PostgresDatabase.ParseConnectionString(connectionString).ConnectionString;

        silo.Services.AddPostgresReadModels(normalized);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => new PostgresSchemaStep(
            services.GetRequiredService<PostgresDatabase>(),
            migrateAtStartup,
            services.GetRequiredService<ILogger<PostgresDatabase>>()));
        return tablesConnectionString is null ? silo.UsePostgresOrleansStorage(normalized) : silo.UseAzureTableOrleansStorage(tablesConnectionString);
    }

    private static ISiloBuilder UsePostgresOrleansStorage(this ISiloBuilder silo, string connectionString)
    {
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresDatabase.Invariant;
            options.ConnectionString = connectionString;
        });
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = PostgresDatabase.Invariant;
            options.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorage(StorageNames.Grains, options =>
        {
            options.Invariant = PostgresDatabase.Invariant;
            options.ConnectionString = connectionString;
        });
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(StorageNames.Grains)
            .Configure<Serializer>((options, serializer) =>
                // Orleans' own version-tolerant format, driven by the [Id]s on our state types (as in embedded mode).
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        return silo;
    }

    /// <summary>
    /// Membership, reminders and grain state in Azure Table storage, each in the providers' default table
    /// (OrleansSiloInstances, OrleansReminders, OrleansGrainState), partitioned by the service and cluster ids. A
    /// cleared state is deleted, as in PostgreSQL, so no empty rows pile up for collected ids.
    /// </summary>
    private static ISiloBuilder UseAzureTableOrleansStorage(this ISiloBuilder silo, string connectionString)
    {
        silo.UseAzureStorageClustering(options => options.TableServiceClient = new TableServiceClient(connectionString));
        silo.UseAzureTableReminderService(options => options.TableServiceClient = new TableServiceClient(connectionString));
        silo.AddAzureTableGrainStorage(StorageNames.Grains, options =>
        {
            options.TableServiceClient = new TableServiceClient(connectionString);
            options.DeleteStateOnClear = true;
        });
        silo.Services.AddOptions<AzureTableStorageOptions>(StorageNames.Grains)
            .Configure<Serializer>((options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        return silo;
    }

    [LoggerMessage(1, LogLevel.Information, "PostgreSQL schema at {Location}: applied {Scripts}")]
    private static partial void LogMigrated(ILogger logger, string location, string scripts);

    [LoggerMessage(2, LogLevel.Information, "PostgreSQL schema at {Location} is current")]
    private static partial void LogCurrent(ILogger logger, string location);

    /// <summary>Applies or checks the schema before the storage providers initialise (they read their queries then).</summary>
    private sealed class PostgresSchemaStep(PostgresDatabase database, bool migrate, ILogger logger) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(PostgresSchemaStep), ServiceLifecycleStage.RuntimeInitialize, RunAsync);

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            if (!migrate)
            {
                await database.VerifySchemaAsync(cancellationToken);
                LogCurrent(logger, database.Location);
                return;
            }

            var applied = await database.MigrateAsync(cancellationToken);
            if (applied.Count == 0)
            {
                LogCurrent(logger, database.Location);
            }
            else
            {
                LogMigrated(logger, database.Location, string.Join(", ", applied));
            }
        }
    }
}
