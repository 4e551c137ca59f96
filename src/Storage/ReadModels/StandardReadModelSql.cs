namespace TryOn.Storage.ReadModels;

/// <summary>
/// The read-model statements both engines run as they are (standard SQL: row values, <c>ON CONFLICT</c> with an
/// alias, <c>LIMIT</c>); <see cref="ReadModelDialect"/> adds the few each engine writes its own way (JSON documents,
/// booleans, aggregates). Parameters are named in the read models.
/// </summary>
internal static class StandardReadModelSql
{
    public const string UpsertAccount = """
        INSERT INTO accounts AS a (account_id, name, active, credit_balance, reserved, writes_per_min, reads_per_min,
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
        WHERE excluded.version > a.version;
        """;

    public const string InsertLedgerEntry = """
        INSERT INTO ledger_entries (account_id, sequence, kind, amount, balance_after, reserved_after, reason, reference, created_at)
        VALUES (@account, @sequence, @kind, @amount, @balance, @reserved, @reason, @reference, @created)
        ON CONFLICT (account_id, sequence) DO NOTHING;
        """;

    public const string ListAccounts = """
        SELECT account_id, name, active, credit_balance, reserved, writes_per_min, reads_per_min, max_in_flight,
               retention_days, created_at, updated_at, version, monthly_cap, storage_cap, stored_bytes
        FROM accounts
        WHERE (created_at, account_id) < (@created, @id)
        ORDER BY created_at DESC, account_id DESC LIMIT @limit;
        """;

    public const string ListLedger = """
        SELECT sequence, kind, amount, balance_after, reserved_after, reason, reference, created_at
        FROM ledger_entries WHERE account_id = @account AND sequence < @before
        ORDER BY sequence DESC LIMIT @limit;
        """;

    public const string InsertImage = """
        INSERT INTO images (image_id, account_id, external_user_id, blob_key, created_at, expires_at)
        VALUES (@id, @account, @user, @blob, @created, @expires)
        ON CONFLICT (image_id) DO NOTHING;
        """;

    public const string ListExpiredImages = """
        SELECT image_id, expires_at FROM images
        WHERE expires_at <= @now AND (expires_at, image_id) > (@due, @id)
        ORDER BY expires_at, image_id LIMIT @limit;
        """;

    public const string ListImagesByExternalUser = """
        SELECT image_id FROM images
        WHERE account_id = @account AND external_user_id = @user AND image_id > @after
        ORDER BY image_id LIMIT @limit;
        """;

    public const string ListExpiredProducts = """
        SELECT account_id, external_id, expires_at FROM products
        WHERE expires_at IS NOT NULL AND expires_at <= @now
          AND (expires_at, account_id, external_id) > (@due, @account, @external)
        ORDER BY expires_at, account_id, external_id LIMIT @limit;
        """;

    public const string UpsertGenerationFiles = """
        INSERT INTO generation_files AS f (generation_id, account_id, expires_at, version)
        VALUES (@id, @account, @filesExpire, @version)
        ON CONFLICT (generation_id) DO UPDATE SET expires_at = excluded.expires_at, version = excluded.version
        WHERE excluded.version >= f.version;
        """;

    public const string ListUnfinishedGenerations = """
        SELECT generation_id FROM generations
        WHERE status IN ('Pending', 'Processing') AND updated_at < @before
        ORDER BY updated_at LIMIT @limit;
        """;

    public const string ListGenerationsByExternalUser = """
        SELECT generation_id FROM generations
        WHERE account_id = @account AND external_user_id = @user AND generation_id > @after
        ORDER BY generation_id LIMIT @limit;
        """;

    public const string ListExpiredGenerationFiles = """
        SELECT generation_id, expires_at FROM generation_files
        WHERE expires_at IS NOT NULL AND expires_at <= @now AND (expires_at, generation_id) > (@due, @id)
        ORDER BY expires_at, generation_id LIMIT @limit;
        """;

    public const string ListAccountsWithReservations = "SELECT account_id FROM accounts WHERE reserved > 0 ORDER BY updated_at LIMIT @limit;";

    public const string DeleteImage = "DELETE FROM images WHERE image_id = @id;";

    public const string DeleteProduct = "DELETE FROM products WHERE account_id = @account AND external_id = @external;";

    public const string GenerationVersion = "SELECT version FROM generations WHERE generation_id = @id;";

    public static AccountSql Accounts { get; } = new(UpsertAccount, InsertLedgerEntry, ListAccounts, ListAccountsWithReservations, ListLedger);

    public static ImageSql Images { get; } = new(InsertImage, DeleteImage, ListExpiredImages, ListImagesByExternalUser);
}
