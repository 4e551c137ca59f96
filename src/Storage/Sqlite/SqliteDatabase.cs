using System.Data.Common;
using Microsoft.Data.Sqlite;
using TryOn.Contracts.Accounts;
using TryOn.Storage.Blobs;
using TryOn.Storage.ReadModels;

namespace TryOn.Storage.Sqlite;

/// <summary>
/// The embedded database: one SQLite file under the data directory holding Orleans grain state and the
/// read model. WAL lets readers run beside the single writer, and every write of this process goes through
/// <see cref="Writer"/>, so writers of this process never meet in SQLite; the busy timeout covers other processes
/// (a <c>sqlite3</c> shell, a backup).
/// </summary>
public sealed class SqliteDatabase : IReadModelDatabase, IAsyncDisposable
{
    private static readonly SemaphoreSlim SchemaGate = new(1, 1);

    public const string FileName = "tryon.db";

    /// <summary>
    /// Columns added to read-model tables after their first release, added to older files when missing
    /// (SQLite has no <c>ADD COLUMN IF NOT EXISTS</c>). New columns go here, not into the CREATE TABLE statements.
    /// </summary>
    private static readonly (string Table, string Column, string Definition)[] AddedColumns =
    [
        ("accounts", "monthly_cap", "INTEGER NOT NULL DEFAULT 0"),
        ("accounts", "storage_cap", $"INTEGER NOT NULL DEFAULT {AccountLimits.DefaultStorageBytes}"),
        ("accounts", "stored_bytes", "INTEGER NOT NULL DEFAULT 0"),
    ];

    public SqliteDatabase(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        FilePath = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Well under Orleans' 30 s response timeout, so a caller never hears "timed out" about a write
            // that then commits.
            DefaultTimeout = 10,
        }.ToString();
        Writer = new SqliteWriter(OpenConnectionAsync);
    }

    public string FilePath { get; }

    public string ConnectionString { get; }

    ReadModelDialect IReadModelDatabase.Dialect => SqliteReadModelSql.Dialect;

    /// <summary>The one writer of this file in this process.</summary>
    public SqliteWriter Writer { get; }

    async Task<DbConnection> IReadModelDatabase.OpenReadModelConnectionAsync(CancellationToken cancellationToken) =>
        await OpenConnectionAsync(cancellationToken);

    Task IReadModelDatabase.WriteAsync(Func<DbConnection, DbTransaction, Task> write, CancellationToken cancellationToken) =>
        Writer.WriteAsync((connection, transaction) => write(connection, transaction), cancellationToken);

    public ValueTask DisposeAsync() => Writer.DisposeAsync();

    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Creates the file and applies every embedded script (the Orleans one also switches the file to WAL).
    /// Safe to run at every start; it must run before the silo starts, which reads its queries once. It is the first
    /// thing an embedded start writes, so it also closes the data directory (0700) and makes the database files 0600,
    /// those of an earlier version included; SQLite gives its <c>-wal</c> and <c>-shm</c> files the database's mode.
    /// </summary>
    public async Task ApplySchemaAsync(CancellationToken cancellationToken = default)
    {
        // Switching a file to WAL fails at once ("database is locked") while another connection holds it, so hosts in one
        // process that share a file (silos of an in-process cluster) apply it one after the other.
        await SchemaGate.WaitAsync(cancellationToken);
        try
        {
            await ApplySchemaOnceAsync(cancellationToken);
        }
        finally
        {
            SchemaGate.Release();
        }
    }

    private async Task ApplySchemaOnceAsync(CancellationToken cancellationToken)
    {
        PrivateFiles.CreateOrCloseDirectory(Path.GetDirectoryName(FilePath)!);
        PrivateFiles.CreateOrRestrict(FilePath);
        PrivateFiles.Restrict(FilePath + "-wal");
        PrivateFiles.Restrict(FilePath + "-shm");
        await using var connection = await OpenConnectionAsync(cancellationToken);
        foreach (var script in new[] { "orleans-persistence.sql", "read-model.sql" })
        {
            await ExecuteAsync(connection, ReadScript(script), cancellationToken);
        }

        foreach (var (table, column, definition) in AddedColumns)
        {
            await using var existing = connection.CreateCommand();
            existing.CommandText = "SELECT name FROM pragma_table_info($table);";
            existing.Parameters.AddWithValue("$table", table);
            if (!(await existing.ReadFirstColumnAsync(cancellationToken)).Contains(column, StringComparer.Ordinal))
            {
                await ExecuteAsync(connection, $"ALTER TABLE {table} ADD COLUMN {column} {definition};", cancellationToken);
            }
        }
    }

    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM accounts WHERE 0;";
        await command.ExecuteScalarAsync(cancellationToken);
        return true;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string ReadScript(string name)
    {
        using var stream = typeof(SqliteDatabase).Assembly.GetManifestResourceStream("TryOn.Sqlite." + name)
            ?? throw new InvalidOperationException($"The embedded SQL script '{name}' is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
