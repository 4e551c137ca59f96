using TryOn.Grains.Images;

namespace TryOn.Grains.Persistence.Sqlite;

internal sealed class SqliteImageReadModel(SqliteDatabase database) : IImageReadModel
{
    public async Task UpsertAsync(StoredImageRecord image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO images (image_id, account_id, external_user_id, blob_key, created_at, expires_at)
            VALUES ($id, $account, $user, $blob, $created, $expires)
            ON CONFLICT (image_id) DO NOTHING;
            """;
        command.Parameters.AddWithValue("$id", image.ImageId);
        command.Parameters.AddWithValue("$account", image.AccountId);
        command.Parameters.AddWithValue("$user", (object?)image.ExternalUserId ?? DBNull.Value);
        command.Parameters.AddWithValue("$blob", image.BlobKey);
        command.Parameters.AddWithValue("$created", SqliteTimestamps.Format(image.CreatedAt));
        command.Parameters.AddWithValue("$expires", SqliteTimestamps.Format(image.ExpiresAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteAsync(string imageId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM images WHERE image_id = $id;";
        command.Parameters.AddWithValue("$id", imageId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT image_id FROM images WHERE expires_at <= $now
            ORDER BY expires_at LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$now", SqliteTimestamps.Format(now));
        command.Parameters.AddWithValue("$limit", limit);
        return await SqliteDatabase.ReadFirstColumnAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListByExternalUserAsync(
        string accountId, string externalUserId, string? afterImageId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT image_id FROM images
            WHERE account_id = $account AND external_user_id = $user AND ($after IS NULL OR image_id > $after)
            ORDER BY image_id LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$account", accountId);
        command.Parameters.AddWithValue("$user", externalUserId);
        command.Parameters.AddWithValue("$after", (object?)afterImageId ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        return await SqliteDatabase.ReadFirstColumnAsync(command, cancellationToken);
    }
}
