using TryOn.Storage.ReadModels;
namespace TryOn.Storage.Postgres;

/// <summary>
/// The read model's statements in PostgreSQL (tables in <c>0002-read-model.sql</c>). Times are timestamptz, which
/// holds microseconds: every time is cut to whole microseconds before it is sent (Npgsql cuts too; doing it here
/// does not depend on that), so a cursor taken from a document, which keeps .NET's 100 ns ticks, compares equal to
/// the stored row it came from.
/// </summary>
internal static class PostgresReadModelSql
{
    public static ReadModelDialect Dialect { get; } = new(
        value => ToMicroseconds(value),
        (reader, ordinal) => new DateTimeOffset(reader.GetFieldValue<DateTime>(ordinal)),
        new ProductSql(
            Upsert: """
                INSERT INTO products AS p (account_id, external_id, listed, created_at, expires_at, version, document)
                VALUES (@account, @external, @listed, @created, @expires, @version, CAST(@document AS json))
                ON CONFLICT (account_id, external_id) DO UPDATE SET
                    listed = EXCLUDED.listed, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
                    version = EXCLUDED.version, document = EXCLUDED.document
                WHERE EXCLUDED.version > p.version;
                """,
            List: """
                SELECT document::text FROM products
                WHERE account_id = @account AND listed AND (expires_at IS NULL OR expires_at > @now)
                  AND (created_at, external_id) < (@created, @external)
                ORDER BY created_at DESC, external_id DESC LIMIT @limit;
                """),
        new GenerationSql(
            UpsertGeneration: """
                INSERT INTO generations AS g (generation_id, account_id, product_external_id, external_user_id, status, created_at,
                                              updated_at, generation_time_ms, version, document)
                VALUES (@id, @account, @product, @user, @status, @created, @updated, @time, @version, CAST(@document AS json))
                ON CONFLICT (generation_id) DO UPDATE SET
                    external_user_id = EXCLUDED.external_user_id, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at,
                    generation_time_ms = EXCLUDED.generation_time_ms, version = EXCLUDED.version, document = EXCLUDED.document
                WHERE EXCLUDED.version > g.version;
                """,
            Find: "SELECT document::text FROM generations WHERE generation_id = @id AND account_id = @account;",
            List: """
                SELECT document::text FROM generations
                WHERE account_id = @account AND (CAST(@status AS text) IS NULL OR status = @status)
                  AND (created_at, generation_id) < (@created, @id)
                ORDER BY created_at DESC, generation_id DESC LIMIT @limit;
                """,
            Stats: """
                SELECT count(*),
                       count(*) FILTER (WHERE status = 'Completed'),
                       count(*) FILTER (WHERE status = 'Failed'),
                       coalesce(avg(generation_time_ms) FILTER (WHERE status = 'Completed'), 0)::float8
                FROM generations
                WHERE account_id = @account AND product_external_id = @product
                  AND created_at >= @from AND created_at <= @to;
                """,
            Daily: """
                SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*),
                       count(*) FILTER (WHERE status = 'Completed'),
                       count(*) FILTER (WHERE status = 'Failed')
                FROM generations
                WHERE account_id = @account AND created_at >= @from AND created_at < @to
                GROUP BY day ORDER BY day;
                """));

    /// <summary>The instant as PostgreSQL stores it: UTC, cut to whole microseconds.</summary>
    public static DateTime ToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % 10), DateTimeKind.Utc);
}
