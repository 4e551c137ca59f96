using System.Data.Common;
using TryOn.Contracts.Paging;

namespace TryOn.Storage.ReadModels;

/// <summary>What every read-model query does the same way whatever the database.</summary>
internal static class ReadModelCommands
{
    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>One statement as a write of its own (see <see cref="IReadModelDatabase.WriteAsync"/>).</summary>
    public static Task ExecuteWriteAsync(this IReadModelDatabase database, string sql, Action<DbCommand> addParameters, CancellationToken cancellationToken) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var command = connection.Command(sql, transaction);
                addParameters(command);
                await command.ExecuteNonQueryAsync();
            },
            cancellationToken);

    /// <summary>Adds <c>@name</c>; a null value is sent as SQL NULL.</summary>
    public static DbParameter With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>The first column of every row the command returns, as text.</summary>
    public static async Task<IReadOnlyList<string>> ReadFirstColumnAsync(this DbCommand command, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>
    /// Where a page starts: after the cursor's row, or after every row for the first page. False for a cursor that
    /// does not parse, whose page is empty.
    /// </summary>
    public static bool TryStart(PageRequest page, out DateTimeOffset createdAt, out string id)
    {
        if (page.After is null)
        {
            createdAt = ReadModelDialect.EndOfTime;
            id = "";
            return true;
        }

        return KeysetCursor.TryParse(page.After, out createdAt, out id);
    }

    /// <summary>
    /// Where a page of an expiry index (earliest first) starts: after the cursor's row, or before every row for the first
    /// page. False for a cursor that does not parse, whose page is empty.
    /// </summary>
    public static bool TryStartAscending(PageRequest page, out DateTimeOffset dueAt, out string id)
    {
        if (page.After is null)
        {
            dueAt = DateTimeOffset.MinValue;
            id = "";
            return true;
        }

        return KeysetCursor.TryParse(page.After, out dueAt, out id);
    }

    /// <summary>
    /// A page of an expiry index read from rows of (key, due time): the keys, and the cursor of the last one when more
    /// follow. The command asks for one row more than the page holds.
    /// </summary>
    public static async Task<Page<string>> ReadDuePageAsync(
        this DbCommand command, int limit, ReadModelDialect dialect, Func<DbDataReader, (string Key, string SortId)> keyOf, int dueOrdinal, CancellationToken cancellationToken)
    {
        var rows = new List<(string Key, string Cursor)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (key, sortId) = keyOf(reader);
            rows.Add((key, KeysetCursor.Of(dialect.ReadTimestamp(reader, dueOrdinal), sortId)));
        }

        var page = ToPage(rows, limit, row => row.Cursor);
        return new Page<string>(page.Items.Select(row => row.Key).ToList(), page.NextAfter);
    }

    /// <summary>Queries ask for one row more than the page holds; its presence is what "has more" means.</summary>
    public static Page<T> ToPage<T>(List<T> items, int limit, Func<T, string> sortKey)
    {
        if (items.Count <= limit)
        {
            return new Page<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new Page<T>(items, sortKey(items[^1]));
    }
}
