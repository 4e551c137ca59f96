using System.Reflection;
using Npgsql;
using Orleans.Configuration;
using TryOn.Storage.Postgres;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Persistence;

public sealed class PostgresServerFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The migrate step on a real PostgreSQL server: complete, idempotent, safe to run from several processes.</summary>
public sealed class PostgresMigrationTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    /// <summary>Keys the 10.4 grain-storage provider loads by name (they are literals in its code, not properties).</summary>
    private static readonly string[] PersistenceKeys = ["ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey"];

    /// <summary>Read by the 10.4.2 clustering provider when present; without it, cleanup falls back to the bulk query.</summary>
    private const string OptionalClusteringKey = "CleanupDefunctSiloEntryKey";

    /// <summary>
    /// The query keys a provider requires: its internal <c>DbStoredQueries</c> refuses to start unless every one of
    /// its key properties has a row, so reading them from the package keeps this test honest across upgrades.
    /// </summary>
    private static IEnumerable<string> RequiredKeys(Type typeInProviderAssembly, string storedQueriesType) =>
        typeInProviderAssembly.Assembly.GetType(storedQueriesType, throwOnError: true)!
            .GetProperties(BindingFlags.Instance | BindingFlags.NonPublic)
            .Select(property => property.Name)
            .Where(name => name.EndsWith("Key", StringComparison.Ordinal));

    private async Task<string> NewDatabaseAsync() => await fixture.Server.CreateDatabaseAsync();

    private static async Task<List<string>> ColumnAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetValue(0).ToString()!);
        }

        return values;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every table with its columns and every stored query: what a second migration must leave unchanged.</summary>
    private static async Task<List<string>> SchemaAsync(string connectionString) =>
    [
        .. await ColumnAsync(connectionString, """
            SELECT table_name || '.' || column_name || ':' || data_type FROM information_schema.columns
            WHERE table_schema = 'public' ORDER BY table_name, ordinal_position;
            """),
        .. await ColumnAsync(connectionString, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname;"),
        .. await ColumnAsync(connectionString, "SELECT querykey || '=' || md5(querytext) FROM orleansquery ORDER BY querykey;"),
        .. await ColumnAsync(connectionString, "SELECT script || '=' || checksum FROM tryon_schema_migrations ORDER BY script;"),
    ];

    [Fact]
    public async Task Migration_stores_every_query_key_the_providers_ask_for()
    {
        var database = await NewDatabaseAsync();
        await PostgresDatabase.MigrateAsync(database, CancellationToken.None);

        var stored = await ColumnAsync(database, "SELECT querykey FROM orleansquery;");
        string[] expected =
        [
            .. RequiredKeys(typeof(AdoNetClusteringSiloOptions), "Orleans.Clustering.AdoNet.Storage.DbStoredQueries"),
            OptionalClusteringKey,
            .. RequiredKeys(typeof(AdoNetReminderTableOptions), "Orleans.Reminders.AdoNet.Storage.DbStoredQueries"),
            .. PersistenceKeys,
        ];

        Assert.Equal(10 + 7 + 4, expected.Length);
        Assert.Equal(expected.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_second_migration_applies_nothing_and_changes_nothing()
    {
        var database = await NewDatabaseAsync();
        Assert.Equal(PostgresDatabase.Scripts, await PostgresDatabase.MigrateAsync(database, CancellationToken.None));
        var before = await SchemaAsync(database);

        Assert.Empty(await PostgresDatabase.MigrateAsync(database, CancellationToken.None));

        Assert.Equal(before, await SchemaAsync(database));
        Assert.Contains("orleansmembershiptable.iamalivetime:timestamp with time zone", before);
        Assert.Contains("generations.created_at:timestamp with time zone", before);
    }

    [Fact]
    public async Task Migrations_started_together_apply_each_script_once_and_both_succeed()
    {
        var database = await NewDatabaseAsync();
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => PostgresDatabase.MigrateAsync(database, CancellationToken.None))));

        // One run did the work while the others waited on the lock, then found nothing to do.
        Assert.Single(runs, applied => applied.Count > 0);
        Assert.Equal(PostgresDatabase.Scripts, runs.Single(applied => applied.Count > 0));
        Assert.Equal(PostgresDatabase.Scripts.Order(StringComparer.Ordinal), (await ColumnAsync(database, "SELECT script FROM tryon_schema_migrations;")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_stored_query_that_differs_is_put_back_by_the_next_migration()
    {
        var database = await NewDatabaseAsync();
        await PostgresDatabase.MigrateAsync(database, CancellationToken.None);
        var original = await ColumnAsync(database, "SELECT querytext FROM orleansquery WHERE querykey = 'WriteToStorageKey';");
        await ExecuteAsync(database, "UPDATE orleansquery SET querytext = 'SELECT 1' WHERE querykey = 'WriteToStorageKey'; DELETE FROM orleansquery WHERE querykey = 'GatewaysQueryKey';");

        await PostgresDatabase.MigrateAsync(database, CancellationToken.None);

        Assert.Equal(original, await ColumnAsync(database, "SELECT querytext FROM orleansquery WHERE querykey = 'WriteToStorageKey';"));
        Assert.Single(await ColumnAsync(database, "SELECT querytext FROM orleansquery WHERE querykey = 'GatewaysQueryKey';"));
    }

    [Fact]
    public async Task The_schema_check_fails_naming_the_migrate_step_until_the_schema_is_applied()
    {
        var connectionString = await NewDatabaseAsync();
        await using var database = new PostgresDatabase(connectionString);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => database.VerifySchemaAsync());
        Assert.Contains("migrate", failure.Message, StringComparison.Ordinal);
        Assert.Contains("0001-orleans.sql", failure.Message, StringComparison.Ordinal);

        await database.MigrateAsync();
        await database.VerifySchemaAsync();
        Assert.True(await database.IsReachableAsync());

        // Query rows from another build pass (a rolling upgrade); a numbered script applied in another form does not.
        await ExecuteAsync(connectionString, "UPDATE tryon_schema_migrations SET checksum = 'older' WHERE script = 'orleans-queries.sql';");
        await database.VerifySchemaAsync();
        await ExecuteAsync(connectionString, "UPDATE tryon_schema_migrations SET checksum = 'older' WHERE script = '0002-read-model.sql';");
        var changed = await Assert.ThrowsAsync<InvalidOperationException>(() => database.VerifySchemaAsync());
        Assert.Contains("applied in another version: 0002-read-model.sql", changed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_fails_the_migration_naming_where_it_looked_and_not_the_password()
    {
        var closedPort = fixture.Server.Port + 1 == 65536 ? 1 : fixture.Server.Port + 1;
        await using var database = new PostgresDatabase($"Host=127.0.0.1;Port={closedPort};Username=tryon;Password=hunter2;Database=tryon;Timeout=5");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => database.MigrateAsync());

        Assert.StartsWith($"Cannot connect to PostgreSQL at 127.0.0.1:{closedPort}/tryon as tryon", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Host=127.0.0.1;Colour=blue")]
    [InlineData("Database=tryon")]
    [InlineData("Host=127.0.0.1;Port=not-a-port")]
    public void A_malformed_connection_string_is_refused_before_anything_starts(string connectionString)
    {
        var failure = Assert.Throws<ArgumentException>(() => PostgresDatabase.ParseConnectionString(connectionString));
        Assert.Contains("PostgreSQL connection string", failure.Message, StringComparison.Ordinal);
    }
}
