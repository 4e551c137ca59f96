using Microsoft.Data.Sqlite;
using TryOn.Grains.Persistence.Sqlite;
using TryOn.Storage.Sqlite;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Persistence;

/// <summary>The embedded database's one writer: group commits where each write is still all-or-nothing on its own.</summary>
public sealed class SqliteWriterTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(_directory.Path);
        await _database.ApplySchemaAsync();
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE writer_test (id INTEGER PRIMARY KEY, note TEXT NOT NULL);";
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task Concurrent_writes_all_commit_and_a_failing_one_takes_only_its_own_changes_back()
    {
        var writes = Enumerable.Range(1, 300).Select(id => id == 150
            ? _database.Writer.WriteAsync(async (connection, transaction) =>
            {
                // Its first statement succeeds; the second breaks the key, so the whole write must vanish.
                await InsertAsync(connection, transaction, 10_000, "half of a failed write");
                await InsertAsync(connection, transaction, 1, "duplicate key");
            })
            : _database.Writer.WriteAsync((connection, transaction) => InsertAsync(connection, transaction, id, $"row {id}"))).ToList();

        var failed = await Assert.ThrowsAsync<SqliteException>(() => writes[149]);
        Assert.Equal(19, failed.SqliteErrorCode); // SQLITE_CONSTRAINT
        await Task.WhenAll(writes.Where((_, index) => index != 149));

        var ids = await ReadIdsAsync();
        Assert.Equal(Enumerable.Range(1, 300).Where(id => id != 150), ids);
    }

    [Fact]
    public async Task A_write_that_commits_on_its_own_connection_waits_for_the_turn_and_never_overlaps_a_group_commit()
    {
        var active = 0;
        var overlaps = 0;
        async Task ExclusivelyAsync(Func<Task> write)
        {
            if (Interlocked.Increment(ref active) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Delay(1);
            await write();
            Interlocked.Decrement(ref active);
        }

        var tasks = new List<Task>();
        for (var id = 1; id <= 100; id++)
        {
            var row = id;
            tasks.Add(row % 2 == 0
                ? _database.Writer.WriteAsync((connection, transaction) => ExclusivelyAsync(() => InsertAsync(connection, transaction, row, "queued")))
                : _database.Writer.TakeTurnAsync(() => ExclusivelyAsync(async () =>
                {
                    await using var connection = await _database.OpenConnectionAsync();
                    await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
                    await InsertAsync(connection, transaction, row, "own connection");
                    await transaction.CommitAsync();
                })));
        }

        await Task.WhenAll(tasks);
        Assert.Equal(0, overlaps);
        Assert.Equal(Enumerable.Range(1, 100), await ReadIdsAsync());
    }

    [Fact]
    public async Task Writes_queued_before_the_database_closes_are_committed_and_later_ones_are_refused()
    {
        var queued = Enumerable.Range(1, 50)
            .Select(id => _database.Writer.WriteAsync((connection, transaction) => InsertAsync(connection, transaction, id, "before close")))
            .ToList();
        await _database.DisposeAsync();

        await Task.WhenAll(queued);
        Assert.Equal(Enumerable.Range(1, 50), await ReadIdsAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() =>
            _database.Writer.WriteAsync((connection, transaction) => InsertAsync(connection, transaction, 51, "after close")));
    }

    [Fact]
    public async Task Commits_are_durable_write_ahead_logged_and_fsynced()
    {
        // docs/architecture.md states both: WAL, and synchronous = FULL (2), SQLite's default that the build keeps.
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA synchronous;";
        Assert.Equal(2L, (long?)await command.ExecuteScalarAsync());
    }

    private static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, int id, string note)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO writer_test (id, note) VALUES ($id, $note);";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$note", note);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<int>> ReadIdsAsync()
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM writer_test ORDER BY id;";
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }
}
