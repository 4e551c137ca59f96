using System.Text.Json;
using TryOn.Grains.Generations;
using TryOn.Grains.Paging;

namespace TryOn.Grains.Persistence.Sqlite;

internal sealed class SqliteGenerationReadModel(SqliteDatabase database) : IGenerationReadModel
{
    private static readonly JsonSerializerOptions DocumentJson = new(JsonSerializerDefaults.General);

    public async Task UpsertAsync(GenerationRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var generation = record.Generation;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO generations (generation_id, account_id, product_external_id, external_user_id, status, created_at,
                                     updated_at, generation_time_ms, version, document)
            VALUES ($id, $account, $product, $user, $status, $created, $updated, $time, $version, $document)
            ON CONFLICT (generation_id) DO UPDATE SET
                external_user_id = excluded.external_user_id, status = excluded.status, updated_at = excluded.updated_at,
                generation_time_ms = excluded.generation_time_ms, version = excluded.version, document = excluded.document
            WHERE excluded.version > generations.version;

            INSERT INTO generation_files (generation_id, account_id, expires_at, version)
            VALUES ($id, $account, $filesExpire, $version)
            ON CONFLICT (generation_id) DO UPDATE SET expires_at = excluded.expires_at, version = excluded.version
            WHERE excluded.version >= generation_files.version;
            """;
        command.Parameters.AddWithValue("$id", generation.GenerationId);
        command.Parameters.AddWithValue("$account", record.AccountId);
        command.Parameters.AddWithValue("$product", generation.ProductExternalId);
        command.Parameters.AddWithValue("$user", (object?)record.ExternalUserId ?? DBNull.Value);
        command.Parameters.AddWithValue("$status", generation.Status.ToString());
        command.Parameters.AddWithValue("$created", SqliteTimestamps.Format(generation.CreatedAt));
        command.Parameters.AddWithValue("$updated", SqliteTimestamps.Format(generation.UpdatedAt));
        command.Parameters.AddWithValue("$time", (object?)generation.GenerationTimeMs ?? DBNull.Value);
        command.Parameters.AddWithValue("$version", record.Version);
        command.Parameters.AddWithValue("$filesExpire", record.FilesExpireAt is { } expires ? SqliteTimestamps.Format(expires) : DBNull.Value);
        command.Parameters.AddWithValue("$document", JsonSerializer.Serialize(generation with { Progress = 0, QueuePosition = null }, DocumentJson));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Page<GenerationView>> ListAsync(string accountId, GenerationStatus? status, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT document FROM generations
            WHERE account_id = $account {(status is null ? "" : "AND status = $status")}
            {(page.After is null ? "" : "AND (created_at < $created OR (created_at = $created AND generation_id < $id))")}
            ORDER BY created_at DESC, generation_id DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$account", accountId);
        command.Parameters.AddWithValue("$limit", page.Limit + 1);
        if (status is { } wanted)
        {
            command.Parameters.AddWithValue("$status", wanted.ToString());
        }

        if (page.After is not null)
        {
            var (createdAt, id) = KeysetCursor.Split(page.After);
            command.Parameters.AddWithValue("$created", createdAt);
            command.Parameters.AddWithValue("$id", id);
        }

        var items = new List<GenerationView>(page.Limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(JsonSerializer.Deserialize<GenerationView>(reader.GetString(0), DocumentJson)!);
        }

        if (items.Count <= page.Limit)
        {
            return new Page<GenerationView>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new Page<GenerationView>(items, KeysetCursor.Of(items[^1].CreatedAt, items[^1].GenerationId));
    }

    public async Task<ProductGenerationStats> StatsAsync(string accountId, string productExternalId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT count(*),
                   coalesce(sum(status = 'Completed'), 0),
                   coalesce(sum(status = 'Failed'), 0),
                   coalesce(avg(CASE WHEN status = 'Completed' THEN generation_time_ms END), 0)
            FROM generations
            WHERE account_id = $account AND product_external_id = $product
              AND ($from IS NULL OR created_at >= $from) AND ($to IS NULL OR created_at <= $to);
            """;
        command.Parameters.AddWithValue("$account", accountId);
        command.Parameters.AddWithValue("$product", productExternalId);
        command.Parameters.AddWithValue("$from", from is { } start ? SqliteTimestamps.Format(start) : DBNull.Value);
        command.Parameters.AddWithValue("$to", to is { } end ? SqliteTimestamps.Format(end) : DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ProductGenerationStats(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), (long)Math.Round(reader.GetDouble(3)));
    }

    public async Task<IReadOnlyList<string>> ListUnfinishedAsync(DateTimeOffset changedBefore, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT generation_id FROM generations
            WHERE status IN ('Pending', 'Processing') AND updated_at < $before
            ORDER BY updated_at LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$before", SqliteTimestamps.Format(changedBefore));
        command.Parameters.AddWithValue("$limit", limit);
        return await SqliteDatabase.ReadFirstColumnAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListByExternalUserAsync(
        string accountId, string externalUserId, string? afterGenerationId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT generation_id FROM generations
            WHERE account_id = $account AND external_user_id = $user AND ($after IS NULL OR generation_id > $after)
            ORDER BY generation_id LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$account", accountId);
        command.Parameters.AddWithValue("$user", externalUserId);
        command.Parameters.AddWithValue("$after", (object?)afterGenerationId ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        return await SqliteDatabase.ReadFirstColumnAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListFilesExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT generation_id FROM generation_files
            WHERE expires_at IS NOT NULL AND expires_at <= $now
            ORDER BY expires_at LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$now", SqliteTimestamps.Format(now));
        command.Parameters.AddWithValue("$limit", limit);
        return await SqliteDatabase.ReadFirstColumnAsync(command, cancellationToken);
    }
}
