using TryOn.Storage.ReadModels;
namespace TryOn.Storage.Sqlite;

/// <summary>The read model's statements in SQLite (tables in <c>read-model.sql</c>); times are ISO 8601 text.</summary>
internal static class SqliteReadModelSql
{
    public static ReadModelDialect Dialect { get; } = new(
        value => SqliteTimestamps.Format(value),
        (reader, ordinal) => SqliteTimestamps.Parse(reader.GetString(ordinal)),
        new ProductSql(
            Upsert: """
                INSERT INTO products (account_id, external_id, listed, created_at, expires_at, version, document)
                VALUES (@account, @external, @listed, @created, @expires, @version, @document)
                ON CONFLICT (account_id, external_id) DO UPDATE SET
                    listed = excluded.listed, created_at = excluded.created_at, expires_at = excluded.expires_at,
                    version = excluded.version, document = excluded.document
                WHERE excluded.version > products.version;
                """,
            List: """
                SELECT document FROM products
                WHERE account_id = @account AND listed = 1 AND (expires_at IS NULL OR expires_at > @now)
                  AND (created_at, external_id) < (@created, @external)
                ORDER BY created_at DESC, external_id DESC LIMIT @limit;
                """),
        new GenerationSql(
            UpsertGeneration: """
                INSERT INTO generations (generation_id, account_id, product_external_id, external_user_id, status, created_at,
                                         updated_at, generation_time_ms, version, document)
                VALUES (@id, @account, @product, @user, @status, @created, @updated, @time, @version, @document)
                ON CONFLICT (generation_id) DO UPDATE SET
                    external_user_id = excluded.external_user_id, status = excluded.status, updated_at = excluded.updated_at,
                    generation_time_ms = excluded.generation_time_ms, version = excluded.version, document = excluded.document
                WHERE excluded.version > generations.version;
                """,
            Find: "SELECT document FROM generations WHERE generation_id = @id AND account_id = @account;",
            List: """
                SELECT document FROM generations
                WHERE account_id = @account AND (@status IS NULL OR status = @status)
                  AND (created_at, generation_id) < (@created, @id)
                ORDER BY created_at DESC, generation_id DESC LIMIT @limit;
                """,
            Stats: """
                SELECT count(*),
                       coalesce(sum(status = 'Completed'), 0),
                       coalesce(sum(status = 'Failed'), 0),
                       coalesce(avg(CASE WHEN status = 'Completed' THEN generation_time_ms END), 0)
                FROM generations
                WHERE account_id = @account AND product_external_id = @product
                  AND created_at >= @from AND created_at <= @to;
                """,
            // Times are fixed-width UTC text, so the day is the first ten characters.
            Daily: """
                SELECT substr(created_at, 1, 10) AS day, count(*),
                       coalesce(sum(status = 'Completed'), 0),
                       coalesce(sum(status = 'Failed'), 0)
                FROM generations
                WHERE account_id = @account AND created_at >= @from AND created_at < @to
                GROUP BY day ORDER BY day;
                """));
}
