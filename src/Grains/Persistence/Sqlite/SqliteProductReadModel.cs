using System.Text.Json;
using TryOn.Grains.Paging;
using TryOn.Grains.Products;

namespace TryOn.Grains.Persistence.Sqlite;

internal sealed class SqliteProductReadModel(SqliteDatabase database) : IProductReadModel
{
    private static readonly JsonSerializerOptions DocumentJson = new(JsonSerializerDefaults.General);

    public async Task UpsertAsync(ProductSnapshot product, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(product);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO products (account_id, external_id, listed, created_at, expires_at, version, document)
            VALUES ($account, $external, $listed, $created, $expires, $version, $document)
            ON CONFLICT (account_id, external_id) DO UPDATE SET
                listed = excluded.listed, created_at = excluded.created_at, expires_at = excluded.expires_at,
                version = excluded.version, document = excluded.document
            WHERE excluded.version > products.version;
            """;
        command.Parameters.AddWithValue("$account", product.AccountId);
        command.Parameters.AddWithValue("$external", product.ExternalId);
        command.Parameters.AddWithValue("$listed", product.IsListed);
        command.Parameters.AddWithValue("$created", SqliteTimestamps.Format(product.CreatedAt));
        command.Parameters.AddWithValue("$expires", product.ExpiresAt is { } expiresAt ? SqliteTimestamps.Format(expiresAt) : DBNull.Value);
        command.Parameters.AddWithValue("$version", product.Version);
        command.Parameters.AddWithValue("$document", JsonSerializer.Serialize(product, DocumentJson));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteAsync(string accountId, string externalId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM products WHERE account_id = $account AND external_id = $external;";
        command.Parameters.AddWithValue("$account", accountId);
        command.Parameters.AddWithValue("$external", externalId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Page<ProductSnapshot>> ListAsync(string accountId, PageRequest page, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Keyset paging on (created_at, external_id).
        command.CommandText = $"""
            SELECT document FROM products
            WHERE account_id = $account AND listed = 1 AND (expires_at IS NULL OR expires_at > $now)
            {(page.After is null ? "" : "AND (created_at < $created OR (created_at = $created AND external_id < $external))")}
            ORDER BY created_at DESC, external_id DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$account", accountId);
        command.Parameters.AddWithValue("$now", SqliteTimestamps.Format(now));
        command.Parameters.AddWithValue("$limit", page.Limit + 1);
        if (page.After is not null)
        {
            var (createdAt, externalId) = KeysetCursor.Split(page.After);
            command.Parameters.AddWithValue("$created", createdAt);
            command.Parameters.AddWithValue("$external", externalId);
        }

        var items = new List<ProductSnapshot>(page.Limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(JsonSerializer.Deserialize<ProductSnapshot>(reader.GetString(0), DocumentJson)!);
        }

        if (items.Count <= page.Limit)
        {
            return new Page<ProductSnapshot>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        var last = items[^1];
        return new Page<ProductSnapshot>(items, KeysetCursor.Of(last.CreatedAt, last.ExternalId));
    }

    public async Task<IReadOnlyList<string>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT account_id, external_id FROM products
            WHERE expires_at IS NOT NULL AND expires_at <= $now
            ORDER BY expires_at LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$now", SqliteTimestamps.Format(now));
        command.Parameters.AddWithValue("$limit", limit);
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(ProductKeys.GrainKey(reader.GetString(0), reader.GetString(1)));
        }

        return keys;
    }
}
