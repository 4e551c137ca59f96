using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace TryOn.Storage.Sqlite;

/// <summary>
/// The one writer of the embedded database in this process. SQLite lets one connection write at a time, and when
/// two meet, Microsoft.Data.Sqlite sleeps a fixed 150 ms before it retries: under load most writes would wait through
/// such sleeps. So every write in the process queues here instead: grain-state writes (which Orleans' ADO.NET provider
/// issues on connections of its own) take the writer's turn one at a time, and read-model writes are committed
/// together, every write queued while the previous commit ran in one transaction (group commit: one fsync for all of
/// them). Each read-model write is all-or-nothing on its own (a savepoint): one failing write fails only its caller.
/// Reads never queue; WAL lets them run beside the writer.
/// </summary>
public sealed class SqliteWriter : IAsyncDisposable
{
    /// <summary>The most read-model writes one transaction carries, so one commit never holds the turn for long.</summary>
    private const int MaxBatch = 256;

    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Channel<QueuedWrite> _queue = Channel.CreateUnbounded<QueuedWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<CancellationToken, Task<SqliteConnection>> _openConnection;
    private readonly Task _committer;

    public SqliteWriter(Func<CancellationToken, Task<SqliteConnection>> openConnection)
    {
        _openConnection = openConnection;
        _committer = Task.Run(CommitQueuedWritesAsync);
    }

    /// <summary>
    /// Queues <paramref name="write"/> for the next group commit and completes once it is durable (or failed). The
    /// write runs on the writer's connection inside its transaction and must not commit, roll back or keep either.
    /// </summary>
    public Task WriteAsync(Func<SqliteConnection, SqliteTransaction, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        cancellationToken.ThrowIfCancellationRequested();
        var queued = new QueuedWrite(write);
        if (!_queue.Writer.TryWrite(queued))
        {
            throw new ObjectDisposedException(nameof(SqliteWriter), "The embedded database is closing; nothing more can be written.");
        }

        // The caller may stop waiting; the write itself is not taken back once queued (others share its transaction).
        return queued.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Runs a write that commits on its own connection (a grain-state write) in the writer's turn.</summary>
    public async Task TakeTurnAsync(Func<Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        await _turn.WaitAsync();
        try
        {
            await write();
        }
        finally
        {
            _turn.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _committer;
    }

    private async Task CommitQueuedWritesAsync()
    {
        var batch = new List<QueuedWrite>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var queued))
            {
                batch.Add(queued);
            }

            await TakeTurnAsync(() => CommitAsync(batch));
            batch.Clear();
        }
    }

    private async Task CommitAsync(List<QueuedWrite> batch)
    {
        var succeeded = new List<QueuedWrite>(batch.Count);
        try
        {
            await using var connection = await _openConnection(CancellationToken.None);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            foreach (var queued in batch)
            {
                await transaction.SaveAsync("write");
                try
                {
                    await queued.Write(connection, transaction);
                    await transaction.ReleaseAsync("write");
                    succeeded.Add(queued);
                }
                catch (Exception exception)
                {
                    await transaction.RollbackAsync("write");
                    queued.Completion.TrySetException(exception);
                }
            }

            await transaction.CommitAsync();
        }
        catch (Exception exception)
        {
            // Opening, beginning or committing failed: nothing of this batch is stored.
            foreach (var queued in batch)
            {
                queued.Completion.TrySetException(exception);
            }

            return;
        }

        foreach (var queued in succeeded)
        {
            queued.Completion.TrySetResult();
        }
    }

    private sealed class QueuedWrite(Func<SqliteConnection, SqliteTransaction, Task> write)
    {
        public Func<SqliteConnection, SqliteTransaction, Task> Write { get; } = write;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
