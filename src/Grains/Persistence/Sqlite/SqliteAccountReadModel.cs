using System.Globalization;
using Microsoft.Data.Sqlite;
using TryOn.Grains.Accounts;
using TryOn.Grains.Paging;

namespace TryOn.Grains.Persistence.Sqlite;

internal sealed class SqliteAccountReadModel(SqliteDatabase database) : IAccountReadModel
{
    private const string UpsertAccountSql = """
        INSERT INTO accounts (account_id, name, active, credit_balance, reserved, writes_per_min, reads_per_min,
                              max_in_flight, monthly_cap, retention_days, created_at, updated_at, version)
        VALUES ($id, $name, $active, $balance, $reserved, $writes, $reads, $inflight, $monthly, $retention, $created, $updated, $version)
        ON CONFLICT (account_id) DO UPDATE SET
            name = excluded.name, active = excluded.active, credit_balance = excluded.credit_balance,
            reserved = excluded.reserved, writes_per_min = excluded.writes_per_min, reads_per_min = excluded.reads_per_min,
            max_in_flight = excluded.max_in_flight, monthly_cap = excluded.monthly_cap, retention_days = excluded.retention_days,
            updated_at = excluded.updated_at, version = excluded.version
        WHERE excluded.version > accounts.version;
        """;

    private const string InsertLedgerSql = """
        INSERT OR IGNORE INTO ledger_entries (account_id, sequence, kind, amount, balance_after, reserved_after, reason, reference, created_at)
        VALUES ($account, $sequence, $kind, $amount, $balance, $reserved, $reason, $reference, $created);
        """;

    private const string AccountColumns = """
        account_id, name, active, credit_balance, reserved, writes_per_min, reads_per_min, max_in_flight,
        retention_days, created_at, updated_at, version, monthly_cap
        """;

    public async Task PublishAsync(AccountSnapshot account, IReadOnlyList<LedgerEntry> newLedgerEntries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(newLedgerEntries);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        await using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = transaction;
            upsert.CommandText = UpsertAccountSql;
            upsert.Parameters.AddWithValue("$id", account.AccountId);
            upsert.Parameters.AddWithValue("$name", account.Name);
            upsert.Parameters.AddWithValue("$active", account.Active);
            upsert.Parameters.AddWithValue("$balance", account.CreditBalance);
            upsert.Parameters.AddWithValue("$reserved", account.ReservedCredits);
            upsert.Parameters.AddWithValue("$writes", account.Limits.WritesPerMinute);
            upsert.Parameters.AddWithValue("$reads", account.Limits.ReadsPerMinute);
            upsert.Parameters.AddWithValue("$inflight", account.Limits.MaxInFlightGenerations);
            upsert.Parameters.AddWithValue("$monthly", account.Limits.MonthlyGenerations);
            upsert.Parameters.AddWithValue("$retention", account.RetentionDays);
            upsert.Parameters.AddWithValue("$created", Timestamp(account.CreatedAt));
            upsert.Parameters.AddWithValue("$updated", Timestamp(account.UpdatedAt));
            upsert.Parameters.AddWithValue("$version", account.Version);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (newLedgerEntries.Count > 0)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = InsertLedgerSql;
            var parameters = new[] { "$account", "$sequence", "$kind", "$amount", "$balance", "$reserved", "$reason", "$reference", "$created" }
                .Select(name => insert.Parameters.Add(name, SqliteType.Text))
                .ToArray();
            foreach (var entry in newLedgerEntries)
            {
                parameters[0].Value = account.AccountId;
                parameters[1].Value = entry.Sequence;
                parameters[2].Value = entry.Kind.ToString();
                parameters[3].Value = entry.Amount;
                parameters[4].Value = entry.BalanceAfter;
                parameters[5].Value = entry.ReservedAfter;
                parameters[6].Value = entry.Reason;
                parameters[7].Value = (object?)entry.Reference ?? DBNull.Value;
                parameters[8].Value = Timestamp(entry.CreatedAt);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<Page<AccountSnapshot>> ListAccountsAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Keyset paging on (created_at, account_id).
        command.CommandText = page.After is null
            ? $"SELECT {AccountColumns} FROM accounts ORDER BY created_at DESC, account_id DESC LIMIT $limit;"
            : $"""
                SELECT {AccountColumns} FROM accounts
                WHERE created_at < $created OR (created_at = $created AND account_id < $id)
                ORDER BY created_at DESC, account_id DESC LIMIT $limit;
                """;
        command.Parameters.AddWithValue("$limit", page.Limit + 1);
        if (page.After is not null)
        {
            var (createdAt, id) = KeysetCursor.Split(page.After);
            command.Parameters.AddWithValue("$created", createdAt);
            command.Parameters.AddWithValue("$id", id);
        }

        var items = new List<AccountSnapshot>(page.Limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new AccountSnapshot(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetBoolean(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                new AccountLimits(reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(12)),
                reader.GetInt32(8),
                ParseTimestamp(reader.GetString(9)),
                ParseTimestamp(reader.GetString(10)),
                reader.GetInt64(11)));
        }

        return ToPage(items, page.Limit, account => KeysetCursor.Of(account.CreatedAt, account.AccountId));
    }

    public async Task<IReadOnlyList<string>> ListAccountsWithReservationsAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT account_id FROM accounts WHERE reserved > 0 ORDER BY updated_at LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", limit);
        return await SqliteDatabase.ReadFirstColumnAsync(command, cancellationToken);
    }

    public async Task<Page<LedgerEntry>> ListLedgerAsync(string accountId, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var before = long.MaxValue;
        if (page.After is not null && !long.TryParse(page.After, NumberStyles.None, CultureInfo.InvariantCulture, out before))
        {
            throw new ArgumentException("The ledger cursor is not a sequence number.", nameof(page));
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT sequence, kind, amount, balance_after, reserved_after, reason, reference, created_at
            FROM ledger_entries WHERE account_id = $account AND sequence < $before
            ORDER BY sequence DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$account", accountId);
        command.Parameters.AddWithValue("$before", before);
        command.Parameters.AddWithValue("$limit", page.Limit + 1);

        var items = new List<LedgerEntry>(page.Limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new LedgerEntry(
                reader.GetInt64(0),
                Enum.Parse<LedgerEntryKind>(reader.GetString(1)),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                ParseTimestamp(reader.GetString(7))));
        }

        return ToPage(items, page.Limit, entry => entry.Sequence.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Queries ask for one row more than the page holds; its presence is what "has more" means.</summary>
    private static Page<T> ToPage<T>(List<T> items, int limit, Func<T, string> sortKey)
    {
        if (items.Count <= limit)
        {
            return new Page<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new Page<T>(items, sortKey(items[^1]));
    }

    private static string Timestamp(DateTimeOffset value) => SqliteTimestamps.Format(value);

    private static DateTimeOffset ParseTimestamp(string value) => SqliteTimestamps.Parse(value);
}
