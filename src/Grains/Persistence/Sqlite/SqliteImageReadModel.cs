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
}
