using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using TryOn.Contracts;
using TryOn.Grains.Engines;
using TryOn.Grains.Generations;
using TryOn.Grains.Generations.Admission;
using TryOn.Grains.Inference;
using TryOn.Grains.Maintenance;
using TryOn.Grains.People;
using TryOn.Grains.Persistence;
using TryOn.Grains.Persistence.Sqlite;
using TryOn.Grains.Privacy;
using TryOn.Grains.Products;
using TryOn.Grains.Webhooks;
using TryOn.Hosting.Files;
using TryOn.Pipeline;
using TryOn.Storage.Blobs;
using TryOn.Storage.ReadModels;
using TryOn.Storage.Sqlite;

namespace TryOn.Grains.Hosting;

public static class TryOnSiloBuilderExtensions
{
    /// <summary>
    /// The invariant Orleans' ADO.NET provider knows for SQLite; despite its name it maps to Microsoft.Data.Sqlite,
    /// which is the only SQLite package we reference.
    /// </summary>
    private const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>The name the ADO.NET provider is registered under in embedded mode, behind <see cref="SerializedGrainStorage"/>.</summary>
    private const string AdoNetSqliteStorage = StorageNames.Grains + ".adonet";

    /// <summary>The engines, their models and the registry that chooses among them (<c>Engines</c>, <c>Models</c>); silos only.</summary>
    private static IServiceCollection AddTryOnEngines(this IServiceCollection services)
    {
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EngineOptions>, EngineOptionsValidator>();
        services.AddSingleton<ITryOnEngine, MockEngine>();
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.SectionName).ValidateOnStart();
        services.AddSingleton<OnnxModels>();
        services.AddSingleton<IsnetCutout>();
        // The composite engine stays as a named fallback (Engines:Categories); the pose-warp engine, registered last, is the default.
        services.AddSingleton<ITryOnEngine, CompositeEngine>();
        services.AddSingleton<ITryOnEngine, PoseWarpEngine>();
        services.AddSingleton(provider => EngineRegistry.Create(provider.GetServices<ITryOnEngine>(), provider.GetRequiredService<IOptions<EngineOptions>>().Value));
        return services;
    }

    /// <summary>Services every silo needs, whatever its storage: the domain, model loading, inference and sweeps.</summary>
    public static ISiloBuilder AddTryOnGrains(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        // The trace context of a grain call goes with it (a request's trace reaches the grains, across silos too).
        silo.AddActivityPropagation();
        silo.Services.AddTryOnClocks();
        silo.Services.AddTryOnImagePipeline();
        silo.Services.AddTryOnEngines();
        silo.Services.AddHostedService<ModelLoader>();
        silo.Services.AddSingleton(services => PoseModels.CreateAnalyzer(services.GetRequiredService<OnnxModels>()));
        silo.Services.AddSingleton<PersonReader>();
        silo.Services.AddSingleton<ProductImageLoader>();
        silo.Services.AddSingleton<GenerationExecutor>();
        silo.Services.AddSingleton<GenerationAdmission>();
        silo.Services.AddSingleton<InferenceScheduler>();
        silo.Services.AddSingleton<ClusterInferenceLoad>();
        // Registered before the scheduler so that it stops after it: it keeps posting "draining" during the drain.
        silo.Services.AddHostedService<InferenceLoadReporter>();
        silo.Services.AddHostedService<InferenceQueueBalancer>();
        silo.Services.AddHostedService(services => services.GetRequiredService<InferenceScheduler>());
        // A stop drains the inference slots first (Engines:DrainTimeout); the host waits that long and a margin.
        silo.Services.AddOptions<Microsoft.Extensions.Hosting.HostOptions>().Configure<IOptions<EngineOptions>>((host, engines) =>
            host.ShutdownTimeout = engines.Value.DrainTimeout + TimeSpan.FromSeconds(15));
        silo.AddPlacementDirector<InferenceLoadPlacement, InferenceLoadPlacementDirector>();
        silo.Services.AddSingleton<ProductImageAnalyzer>();
        silo.Services.AddHostedService(services => services.GetRequiredService<ProductImageAnalyzer>());
        silo.AddPeriodicSweep<GenerationRecoverySweeper>();
        silo.Services.AddHostedService<SiloLossRecovery>();
        silo.AddPeriodicSweep<RetentionSweeper>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, MaintenanceScheduler>();
        silo.Services.AddFileLinks();
        silo.Services.AddTryOnWebhooks();
        return silo;
    }

    /// <summary>A sweep run once per cluster by its maintenance grain; resolvable by its type too (tests run a pass by hand).</summary>
    private static void AddPeriodicSweep<TSweep>(this ISiloBuilder silo)
        where TSweep : class, IPeriodicSweep
    {
        silo.Services.AddSingleton<TSweep>();
        silo.Services.AddSingleton<IPeriodicSweep>(services => services.GetRequiredService<TSweep>());
    }

    /// <summary>
    /// Embedded storage: grain state and the read model in one SQLite file, blobs as files, all under
    /// <paramref name="dataDirectory"/>. The schema is applied before the silo starts.
    /// </summary>
    public static ISiloBuilder UseEmbeddedStorage(this ISiloBuilder silo, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var database = new SqliteDatabase(dataDirectory);
        silo.Services.AddSqliteReadModels(database);
        silo.Services.AddFileSystemBlobStore(Path.Combine(dataDirectory, "blobs"));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, EmbeddedSchemaMigration>();
        // The sweeps' reminders: one process, and every start registers them again (MaintenanceScheduler), so memory is enough.
        silo.UseInMemoryReminderService();
        // And so are the reminders of pending webhook deliveries: each start resumes them from their endpoint lists.
        silo.Services.AddSingleton<PendingDeliveryResumption>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<PendingDeliveryResumption>());

        // Orleans' ADO.NET provider does the work under a name of its own; the grains' provider takes each of its
        // writes in the database writer's turn.
        silo.AddAdoNetGrainStorage(AdoNetSqliteStorage, options =>
        {
            options.Invariant = SqliteInvariant;
            options.ConnectionString = database.ConnectionString;
        });
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Grains, (services, _) => new SerializedGrainStorage(
            services.GetRequiredKeyedService<IGrainStorage>(AdoNetSqliteStorage), database.Writer));
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(AdoNetSqliteStorage)
            .Configure<Serializer>((options, serializer) =>
                // Orleans' own version-tolerant format, driven by the [Id]s on our state types.
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        return silo;
    }

    private sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
    {
        public ValidateOptionsResult Validate(string? name, EngineOptions options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }

    private sealed class EmbeddedSchemaMigration(SqliteDatabase database) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            // Runs before storage providers initialise (they read their queries from the database).
            lifecycle.Subscribe(nameof(EmbeddedSchemaMigration), ServiceLifecycleStage.RuntimeInitialize, database.ApplySchemaAsync);
    }
}
