using TryOn.Storage.ReadModels;
namespace TryOn.Storage.Sqlite;

/// <summary>The read model's statements in SQLite (tables in <c>read-model.sql</c>); times are ISO 8601 text.</summary>
internal static class SqliteReadModelSql
{
    public static ReadModelDialect Dialect { get; } = new(
        value => SqliteTimestamps.Format(value),
        (reader, ordinal) => SqliteTimestamps.Parse(reader.GetString(ordinal)),
        new AccountSql(
            Upsert: """
                INSERT INTO accounts (account_id, name, active, credit_balance, reserved, writes_per_min, reads_per_min,
                                      max_in_flight, monthly_cap, storage_cap, stored_bytes, retention_days, created_at, updated_at,
                                      version)
                VALUES (@id, @name, @active, @balance, @reserved, @writes, @reads, @inflight, @monthly, @storagecap, @stored, @retention, @created,
                        @updated, @version)
                ON CONFLICT (account_id) DO UPDATE SET
                    name = excluded.name, active = excluded.active, credit_balance = excluded.credit_balance,
                    reserved = excluded.reserved, writes_per_min = excluded.writes_per_min, reads_per_min = excluded.reads_per_min,
                    max_in_flight = excluded.max_in_flight, monthly_cap = excluded.monthly_cap, storage_cap = excluded.storage_cap,
                    stored_bytes = excluded.stored_bytes, retention_days = excluded.retention_days,
                    updated_at = excluded.updated_at, version = excluded.version
                WHERE excluded.version > accounts.version;
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
                INSERT INTO products (account_id, external_id, listed, created_at, expires_at, version, document)
                VALUES (@account, @external, @listed, @created, @expires, @version, @document)
                ON CONFLICT (account_id, external_id) DO UPDATE SET
                    listed = excluded.listed, created_at = excluded.created_at, expires_at = excluded.expires_at,
                    version = excluded.version, document = excluded.document
                WHERE excluded.version > products.version;
                """,
            Delete: "DELETE FROM products WHERE account_id = @account AND external_id = @external;",
            List: """
                SELECT document FROM products
                WHERE account_id = @account AND listed = 1 AND (expires_at IS NULL OR expires_at > @now)
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
                INSERT INTO generations (generation_id, account_id, product_external_id, external_user_id, status, created_at,
                                         updated_at, generation_time_ms, version, document)
                VALUES (@id, @account, @product, @user, @status, @created, @updated, @time, @version, @document)
                ON CONFLICT (generation_id) DO UPDATE SET
                    external_user_id = excluded.external_user_id, status = excluded.status, updated_at = excluded.updated_at,
                    generation_time_ms = excluded.generation_time_ms, version = excluded.version, document = excluded.document
                WHERE excluded.version > generations.version;

                INSERT INTO generation_files (generation_id, account_id, expires_at, version)
                VALUES (@id, @account, @filesExpire, @version)
                ON CONFLICT (generation_id) DO UPDATE SET expires_at = excluded.expires_at, version = excluded.version
                WHERE excluded.version >= generation_files.version;
                """,
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
}
