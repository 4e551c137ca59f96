using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Images;
using TryOn.Contracts.Products;
using TryOn.Storage.Postgres;
using TryOn.Storage.Sqlite;

namespace TryOn.Storage.ReadModels;

public static class ReadModelServiceCollectionExtensions
{
    /// <summary>
    /// The SQLite read models of embedded mode over <paramref name="database"/>, which the container disposes (its
    /// writer commits what is queued) when the host ends.
    /// </summary>
    public static IServiceCollection AddSqliteReadModels(this IServiceCollection services, SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(_ => database);
        return services.AddReadModels<SqliteDatabase>();
    }

    /// <summary>The four read models over the registered <typeparamref name="TDatabase"/>, in its dialect.</summary>
    private static IServiceCollection AddReadModels<TDatabase>(this IServiceCollection services)
        where TDatabase : class, IReadModelDatabase
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IReadModelDatabase>(provider => provider.GetRequiredService<TDatabase>());
        services.AddSingleton<IAccountReadModel, AccountReadModel>();
        services.AddSingleton<IImageReadModel, ImageReadModel>();
        services.AddSingleton<IProductReadModel, ProductReadModel>();
        services.AddSingleton<IGenerationReadModel, GenerationReadModel>();
        return services;
    }

    /// <summary>
    /// The PostgreSQL read models and <see cref="PostgresDatabase"/>, for silos and for processes that query the read
    /// model without hosting a silo (the API gateways in cluster mode). Applies no schema.
    /// </summary>
    public static IServiceCollection AddPostgresReadModels(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        var normalized = PostgresDatabase.ParseConnectionString(connectionString).ConnectionString;
        // Made by the container, so the container disposes its connection pool.
        services.AddSingleton(_ => new PostgresDatabase(normalized));
        return services.AddReadModels<PostgresDatabase>();
    }
}
