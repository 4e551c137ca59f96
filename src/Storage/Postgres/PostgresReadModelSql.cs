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
        new AccountSql(
            Upsert: """
                INSERT INTO accounts AS a (account_id, name, active, credit_balance, reserved, writes_per_min, reads_per_min,
                                           max_in_flight, monthly_cap, storage_cap, stored_bytes, retention_days, created_at,
                                           updated_at, version)
                VALUES (@id, @name, @active, @balance, @reserved, @writes, @reads, @inflight, @monthly, @storagecap, @stored, @retention, @created,
                        @updated, @version)
                ON CONFLICT (account_id) DO UPDATE SET
                    name = EXCLUDED.name, active = EXCLUDED.active, credit_balance = EXCLUDED.credit_balance,
                    reserved = EXCLUDED.reserved, writes_per_min = EXCLUDED.writes_per_min, reads_per_min = EXCLUDED.reads_per_min,
                    max_in_flight = EXCLUDED.max_in_flight, monthly_cap = EXCLUDED.monthly_cap, storage_cap = EXCLUDED.storage_cap,
                    stored_bytes = EXCLUDED.stored_bytes, retention_days = EXCLUDED.retention_days,
                    updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
                WHERE EXCLUDED.version > a.version;
                """,
            InsertLedgerEntry: """
                INSERT INTO ledger_entries (account_id, sequence, kind, amount, balance_after, reserved_after, reason, reference, created_at)
                VALUES (@account, @sequence, @kind, @amount, @balance, @reserved, @reason, @reference, @created)
                ON CONFLICT (account_id, sequence) DO NOTHING;
                """,
            List: """
                SELECT account_id, name, active, credit_balance, reserved, writes_per_min, reads_per_min, max_in_flight,
                       retention_days, created_at, updated_at, version, monthly_cap, storage_cap, stored_bytes
                FROM accounts
                WHERE (created_at, account_id) < (@created, @id)
                ORDER BY created_at DESC, account_id DESC LIMIT @limit;
                """,
            ListWithReservations: "SELECT account_id FROM accounts WHERE reserved > 0 ORDER BY updated_at LIMIT @limit;",
            ListLedger: """
                SELECT sequence, kind, amount, balance_after, reserved_after, reason, reference, created_at
                FROM ledger_entries WHERE account_id = @account AND sequence < @before
                ORDER BY sequence DESC LIMIT @limit;
                """),
        new ImageSql(
            Insert: """
                INSERT INTO images (image_id, account_id, external_user_id, blob_key, created_at, expires_at)
                VALUES (@id, @account, @user, @blob, @created, @expires)
                ON CONFLICT (image_id) DO NOTHING;
                """,
            Delete: "DELETE FROM images WHERE image_id = @id;",
            ListExpired: """
                SELECT image_id, expires_at FROM images
                WHERE expires_at <= @now AND (expires_at, image_id) > (@due, @id)
                ORDER BY expires_at, image_id LIMIT @limit;
                """,
            ListByExternalUser: """
                SELECT image_id FROM images
                WHERE account_id = @account AND external_user_id = @user AND image_id > @after
                ORDER BY image_id LIMIT @limit;
                """),
        new ProductSql(
            Upsert: """
                INSERT INTO products AS p (account_id, external_id, listed, created_at, expires_at, version, document)
                VALUES (@account, @external, @listed, @created, @expires, @version, CAST(@document AS json))
                ON CONFLICT (account_id, external_id) DO UPDATE SET
                    listed = EXCLUDED.listed, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
                    version = EXCLUDED.version, document = EXCLUDED.document
                WHERE EXCLUDED.version > p.version;
                """,
            Delete: "DELETE FROM products WHERE account_id = @account AND external_id = @external;",
            List: """
                SELECT document::text FROM products
                WHERE account_id = @account AND listed AND (expires_at IS NULL OR expires_at > @now)
                  AND (created_at, external_id) < (@created, @external)
                ORDER BY created_at DESC, external_id DESC LIMIT @limit;
                """,
            ListExpired: """
                SELECT account_id, external_id, expires_at FROM products
                WHERE expires_at IS NOT NULL AND expires_at <= @now
                  AND (expires_at, account_id, external_id) > (@due, @account, @external)
                ORDER BY expires_at, account_id, external_id LIMIT @limit;
                """),
        new GenerationSql(
            Upsert: """
                INSERT INTO generations AS g (generation_id, account_id, product_external_id, external_user_id, status, created_at,
                                              updated_at, generation_time_ms, version, document)
                VALUES (@id, @account, @product, @user, @status, @created, @updated, @time, @version, CAST(@document AS json))
                ON CONFLICT (generation_id) DO UPDATE SET
                    external_user_id = EXCLUDED.external_user_id, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at,
                    generation_time_ms = EXCLUDED.generation_time_ms, version = EXCLUDED.version, document = EXCLUDED.document
                WHERE EXCLUDED.version > g.version;

                INSERT INTO generation_files AS f (generation_id, account_id, expires_at, version)
                VALUES (@id, @account, @filesExpire, @version)
                ON CONFLICT (generation_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, version = EXCLUDED.version
                WHERE EXCLUDED.version >= f.version;
                """,
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
            ListUnfinished: """
                SELECT generation_id FROM generations
                WHERE status IN ('Pending', 'Processing') AND updated_at < @before
                ORDER BY updated_at LIMIT @limit;
                """,
            ListByExternalUser: """
                SELECT generation_id FROM generations
                WHERE account_id = @account AND external_user_id = @user AND generation_id > @after
                ORDER BY generation_id LIMIT @limit;
                """,
            ListFilesExpired: """
                SELECT generation_id, expires_at FROM generation_files
                WHERE expires_at IS NOT NULL AND expires_at <= @now AND (expires_at, generation_id) > (@due, @id)
                ORDER BY expires_at, generation_id LIMIT @limit;
                """,
            VersionOf: """
                SELECT version FROM generations WHERE generation_id = @id;
                """));

    /// <summary>The instant as PostgreSQL stores it: UTC, cut to whole microseconds.</summary>
    public static DateTime ToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % 10), DateTimeKind.Utc);
}
