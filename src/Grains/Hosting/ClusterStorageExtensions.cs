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
/// Cluster mode's storage: one PostgreSQL database for Orleans membership, grain state and reminders (the ADO.NET
/// providers, invariant "Npgsql") and the read model. Blob storage is configured separately.
/// </summary>
public static partial class ClusterStorageExtensions
{
    /// <summary>
    /// Silo side: ADO.NET clustering, grain storage <see cref="StorageNames.Grains"/>, reminders and the PostgreSQL
    /// read models. With <paramref name="migrateAtStartup"/> the schema is applied before any provider starts;
    /// without it the start fails, saying so, unless the schema is already current. A malformed
    /// <paramref name="connectionString"/> throws <see cref="ArgumentException"/> here.
    /// </summary>
    public static ISiloBuilder UseClusterStorage(this ISiloBuilder silo, string connectionString, bool migrateAtStartup)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var normalized = PostgresDatabase.ParseConnectionString(connectionString).ConnectionString;

        silo.Services.AddPostgresReadModels(normalized);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => new PostgresSchemaStep(
            services.GetRequiredService<PostgresDatabase>(),
            migrateAtStartup,
            services.GetRequiredService<ILogger<PostgresDatabase>>()));

        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresDatabase.Invariant;
            options.ConnectionString = normalized;
        });
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = PostgresDatabase.Invariant;
            options.ConnectionString = normalized;
        });
        silo.AddAdoNetGrainStorage(StorageNames.Grains, options =>
        {
            options.Invariant = PostgresDatabase.Invariant;
            options.ConnectionString = normalized;
        });
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(StorageNames.Grains)
            .Configure<Serializer>((options, serializer) =>
                // Orleans' own version-tolerant format, driven by the [Id]s on our state types (as in embedded mode).
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
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
