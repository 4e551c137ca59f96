using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using TryOn.Storage.ReadModels;

namespace TryOn.Storage.Postgres;

/// <summary>
/// The cluster database: Orleans membership, grain state and reminders (through the ADO.NET providers) and the read
/// model, in one PostgreSQL database. <see cref="MigrateAsync(CancellationToken)"/> applies our schema scripts.
/// </summary>
public sealed class PostgresDatabase : IReadModelDatabase, IAsyncDisposable
{
    /// <summary>The ADO.NET invariant Orleans' providers know Npgsql by.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>The repeatable script, applied by every migration after the numbered ones.</summary>
    private const string QueriesScript = "orleans-queries.sql";

    /// <summary>Key of the transaction-level advisory lock that serialises migrations of one database.</summary>
    private const long MigrationLock = 0x7472796f6e_0001; // "tryon", 1

    private const string ResourcePrefix = "TryOn.Postgres.";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(string connectionString)
    {
        var builder = ParseConnectionString(connectionString);
        Location = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username} as {builder.Username ?? "(default user)"}";
        ConnectionString = builder.ConnectionString;
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>The connection string, as Orleans' providers get it too.</summary>
    public string ConnectionString { get; }

    /// <summary>Where the database is, for messages: host, port, database and user, never the password.</summary>
    public string Location { get; }

    ReadModelDialect IReadModelDatabase.Dialect => PostgresReadModelSql.Dialect;

    /// <summary>
    /// The schema scripts in the order they apply: the numbered ones (<c>0001-…sql</c>, each run once per database),
    /// then the repeatable OrleansQuery script.
    /// </summary>
    internal static IReadOnlyList<string> Scripts { get; } =
    [
        .. typeof(PostgresDatabase).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(name => name[ResourcePrefix.Length..])
            .Where(name => name != QueriesScript)
            .Order(StringComparer.Ordinal),
        QueriesScript,
    ];

    /// <summary>
    /// Checks a connection string's form (not whether the server answers), with a message that names the problem and
    /// never repeats the string, which may hold a password.
    /// </summary>
    public static NpgsqlConnectionStringBuilder ParseConnectionString(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("The PostgreSQL connection string is empty.", nameof(connectionString));
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {exception.Message}", nameof(connectionString), exception);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException("The PostgreSQL connection string names no Host.", nameof(connectionString));
        }

        builder.ApplicationName ??= "TryOn";
        return builder;
    }

    /// <summary>Applies the schema to the database <paramref name="connectionString"/> names (the silo's migrate step).</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var database = new PostgresDatabase(connectionString);
        return await database.MigrateAsync(cancellationToken);
    }

    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// A connection from the same pool, opened synchronously, for the one caller whose interface is synchronous: Data
    /// Protection's key repository (<c>PostgresKeyRepository</c>), which it calls rarely.
    /// </summary>
    public NpgsqlConnection OpenConnection() => _dataSource.OpenConnection();

    async Task<DbConnection> IReadModelDatabase.OpenReadModelConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    async Task IReadModelDatabase.WriteAsync(Func<DbConnection, DbTransaction, Task> write, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await write(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Brings the schema up to this build and returns the scripts it ran (empty when it was current). Idempotent, and
    /// safe when several processes run it at once: one transaction holds an advisory lock, so the others wait and then
    /// find the work done. DDL is transactional in PostgreSQL, so a failed migration leaves nothing half-applied.
    /// </summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenForSchemaAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, "SET LOCAL client_min_messages = warning;", cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key);", connection))
        {
            lockCommand.Parameters.AddWithValue("key", MigrationLock);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await ExecuteAsync(
            connection,
            """
            CREATE TABLE IF NOT EXISTS tryon_schema_migrations
            (
                script      text        NOT NULL PRIMARY KEY,
                checksum    text        NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            );
            """,
            cancellationToken);
        var recorded = await ReadRecordedAsync(connection, cancellationToken);

        var applied = new List<string>();
        foreach (var script in Scripts)
        {
            var (text, checksum) = ReadScript(script);
            recorded.TryGetValue(script, out var previous);
            if (script != QueriesScript && previous is not null)
            {
                if (previous != checksum)
                {
                    throw new InvalidOperationException(
                        $"The schema script {script} differs from the one applied to {Location}. Shipped scripts never change: add the next numbered script instead.");
                }

                continue;
            }

            // The queries run every time (they only rewrite what changed), so hand-edited rows are put right too.
            await ExecuteAsync(connection, text, cancellationToken);
            if (previous != checksum)
            {
                await using var record = new NpgsqlCommand(
                    """
                    INSERT INTO tryon_schema_migrations (script, checksum) VALUES (@script, @checksum)
                    ON CONFLICT (script) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now();
                    """,
                    connection);
                record.Parameters.AddWithValue("script", script);
                record.Parameters.AddWithValue("checksum", checksum);
                await record.ExecuteNonQueryAsync(cancellationToken);
                applied.Add(script);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    /// <summary>
    /// Fails, saying what to do, unless every numbered script of this build has been applied (as it is now) and the
    /// query rows exist: what a silo checks at start when it does not migrate, instead of failing later on a missing
    /// table or query. Query rows from another build are accepted (the providers' contract is the same), so an older
    /// silo can still restart during a rolling upgrade after a newer one migrated.
    /// </summary>
    public async Task VerifySchemaAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenForSchemaAsync(cancellationToken);
        Dictionary<string, string> recorded;
        try
        {
            recorded = await ReadRecordedAsync(connection, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            recorded = [];
        }

        var missing = Scripts.Where(script => !recorded.ContainsKey(script)).ToList();
        var changed = Scripts
            .Where(script => script != QueriesScript && recorded.TryGetValue(script, out var checksum) && checksum != ReadScript(script).Checksum)
            .ToList();
        if (missing.Count > 0 || changed.Count > 0)
        {
            var details = string.Join("; ", new[]
            {
                missing.Count > 0 ? "not applied: " + string.Join(", ", missing) : null,
                changed.Count > 0 ? "applied in another version: " + string.Join(", ", changed) : null,
            }.OfType<string>());
            throw new InvalidOperationException(
                $"The PostgreSQL schema at {Location} is not the one this build needs ({details}). Run the silo's migrate command first, or enable migration at start-up.");
        }
    }

    /// <summary>Readiness: the server answers and the read model's tables are there.</summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT 1 FROM accounts LIMIT 0;", cancellationToken);
        return true;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private async Task<NpgsqlConnection> OpenForSchemaAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            throw new InvalidOperationException($"Cannot connect to PostgreSQL at {Location}: {exception.Message}", exception);
        }
    }

    private static async Task<Dictionary<string, string>> ReadRecordedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var recorded = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT script, checksum FROM tryon_schema_migrations;", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            recorded[reader.GetString(0)] = reader.GetString(1);
        }

        return recorded;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static (string Text, string Checksum) ReadScript(string name)
    {
        using var stream = typeof(PostgresDatabase).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The embedded SQL script '{name}' is missing from the build.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        return (Encoding.UTF8.GetString(bytes), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
