using System.Data.Common;
using System.Globalization;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Paging;

namespace TryOn.Storage.ReadModels;

internal sealed class AccountReadModel(IReadModelDatabase database) : IAccountReadModel
{
    private readonly ReadModelDialect _dialect = database.Dialect;

    public async Task PublishAsync(AccountSnapshot account, IReadOnlyList<LedgerEntry> newLedgerEntries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(newLedgerEntries);
        // A copy: the caller's list may change once it stops waiting, before the write runs.
        var entries = newLedgerEntries.ToArray();
        await database.WriteAsync((connection, transaction) => WriteAsync(connection, transaction, account, entries), cancellationToken);
    }

    private async Task WriteAsync(DbConnection connection, DbTransaction transaction, AccountSnapshot account, IReadOnlyList<LedgerEntry> newLedgerEntries)
    {
        await using (var upsert = connection.Command(_dialect.Accounts.Upsert, transaction))
        {
            upsert.With("@id", account.AccountId);
            upsert.With("@name", account.Name);
            upsert.With("@active", account.Active);
            upsert.With("@balance", account.CreditBalance);
            upsert.With("@reserved", account.ReservedCredits);
            upsert.With("@writes", account.Limits.WritesPerMinute);
            upsert.With("@reads", account.Limits.ReadsPerMinute);
            upsert.With("@inflight", account.Limits.MaxInFlightGenerations);
            upsert.With("@monthly", account.Limits.MonthlyGenerations);
            upsert.With("@storagecap", account.Limits.StorageBytes);
            upsert.With("@stored", account.StoredBytes);
            upsert.With("@retention", account.RetentionDays);
            upsert.With("@created", _dialect.Timestamp(account.CreatedAt));
            upsert.With("@updated", _dialect.Timestamp(account.UpdatedAt));
            upsert.With("@version", account.Version);
            await upsert.ExecuteNonQueryAsync();
        }

        if (newLedgerEntries.Count > 0)
        {
            await using var insert = connection.Command(_dialect.Accounts.InsertLedgerEntry, transaction);
            var parameters = new[] { "@account", "@sequence", "@kind", "@amount", "@balance", "@reserved", "@reason", "@reference", "@created" }
                .Select(name => insert.With(name, null))
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
                parameters[8].Value = _dialect.Timestamp(entry.CreatedAt);
                await insert.ExecuteNonQueryAsync();
            }
        }
    }

    public async Task<Page<AccountSnapshot>> ListAccountsAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!ReadModelCommands.TryStart(page, out var createdAt, out var id))
        {
            return new Page<AccountSnapshot>([], null);
        }

        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Accounts.List);
        command.With("@created", _dialect.Timestamp(createdAt));
        command.With("@id", id);
        command.With("@limit", page.Limit + 1);

        var items = new List<AccountSnapshot>(page.Limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadAccount(reader));
        }

        return ReadModelCommands.ToPage(items, page.Limit, account => KeysetCursor.Of(account.CreatedAt, account.AccountId));
    }

    public async Task<IReadOnlyList<string>> ListAccountsWithReservationsAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Accounts.ListWithReservations);
        command.With("@limit", limit);
        return await command.ReadFirstColumnAsync(cancellationToken);
    }

    public async Task<Page<LedgerEntry>> ListLedgerAsync(string accountId, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var before = long.MaxValue;
        if (page.After is not null && !long.TryParse(page.After, NumberStyles.None, CultureInfo.InvariantCulture, out before))
        {
            throw new ArgumentException("The ledger cursor is not a sequence number.", nameof(page));
        }

        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Accounts.ListLedger);
        command.With("@account", accountId);
        command.With("@before", before);
        command.With("@limit", page.Limit + 1);

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
                _dialect.ReadTimestamp(reader, 7)));
        }

        return ReadModelCommands.ToPage(items, page.Limit, entry => entry.Sequence.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Columns in the order of <see cref="AccountSql.List"/>: account_id, name, active, credit_balance, reserved,
    /// writes_per_min, reads_per_min, max_in_flight, retention_days, created_at, updated_at, version, monthly_cap,
    /// storage_cap, stored_bytes.
    /// </summary>
    private AccountSnapshot ReadAccount(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetBoolean(2),
        reader.GetInt64(3),
        reader.GetInt64(4),
        new AccountLimits(reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(12), reader.GetInt64(13)),
        reader.GetInt32(8),
        _dialect.ReadTimestamp(reader, 9),
        _dialect.ReadTimestamp(reader, 10),
        reader.GetInt64(11),
        StoredBytes: reader.GetInt64(14));
}
