using System.Globalization;
using System.Text.Json;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Paging;

namespace TryOn.Storage.ReadModels;

internal sealed class GenerationReadModel(IReadModelDatabase database) : IGenerationReadModel
{
    private static readonly JsonSerializerOptions DocumentJson = new(JsonSerializerDefaults.General);

    private readonly ReadModelDialect _dialect = database.Dialect;

    public async Task UpsertAsync(GenerationRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var generation = record.Generation;
        var document = JsonSerializer.Serialize(generation with { Progress = 0, QueuePosition = null }, DocumentJson);
        await database.ExecuteWriteAsync(_dialect.Generations.Upsert, command =>
        {
            command.With("@id", generation.GenerationId);
            command.With("@account", record.AccountId);
            command.With("@product", generation.ProductExternalId);
            command.With("@user", record.ExternalUserId);
            command.With("@status", generation.Status.ToString());
            command.With("@created", _dialect.Timestamp(generation.CreatedAt));
            command.With("@updated", _dialect.Timestamp(generation.UpdatedAt));
            command.With("@time", generation.GenerationTimeMs);
            command.With("@version", record.Version);
            command.With("@filesExpire", record.FilesExpireAt is { } expires ? _dialect.Timestamp(expires) : null);
            command.With("@document", document);
        }, cancellationToken);
    }

    public async Task<long?> VersionOfAsync(string generationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Generations.VersionOf);
        command.With("@id", generationId);
        return await command.ExecuteScalarAsync(cancellationToken) is { } version and not DBNull ? Convert.ToInt64(version, CultureInfo.InvariantCulture) : null;
    }

    public async Task<GenerationView?> FindAsync(string accountId, string generationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Generations.Find);
        command.With("@account", accountId);
        command.With("@id", generationId);
        return await command.ExecuteScalarAsync(cancellationToken) is string document
            ? JsonSerializer.Deserialize<GenerationView>(document, DocumentJson)
            : null;
    }

    public async Task<Page<GenerationView>> ListAsync(string accountId, GenerationStatus? status, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!ReadModelCommands.TryStart(page, out var createdAt, out var id))
        {
            return new Page<GenerationView>([], null);
        }

        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Generations.List);
        command.With("@account", accountId);
        command.With("@status", status?.ToString());
        command.With("@created", _dialect.Timestamp(createdAt));
        command.With("@id", id);
        command.With("@limit", page.Limit + 1);

        var items = new List<GenerationView>(page.Limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(JsonSerializer.Deserialize<GenerationView>(reader.GetString(0), DocumentJson)!);
        }

        return ReadModelCommands.ToPage(items, page.Limit, generation => KeysetCursor.Of(generation.CreatedAt, generation.GenerationId));
    }

    public async Task<ProductGenerationStats> StatsAsync(
        string accountId, string productExternalId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Generations.Stats);
        command.With("@account", accountId);
        command.With("@product", productExternalId);
        // An open end is the end of time, so the statement needs no null checks.
        command.With("@from", _dialect.Timestamp(from ?? DateTimeOffset.MinValue));
        command.With("@to", _dialect.Timestamp(to ?? ReadModelDialect.EndOfTime));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ProductGenerationStats(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), (long)Math.Round(reader.GetDouble(3)));
    }

    public async Task<IReadOnlyList<GenerationDay>> DailyAsync(string accountId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Generations.Daily);
        command.With("@account", accountId);
        command.With("@from", _dialect.Timestamp(from));
        command.With("@to", _dialect.Timestamp(to));
        var days = new List<GenerationDay>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add(new GenerationDay(
                DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return days;
    }

    public async Task<IReadOnlyList<string>> ListUnfinishedAsync(DateTimeOffset changedBefore, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Generations.ListUnfinished);
        command.With("@before", _dialect.Timestamp(changedBefore));
        command.With("@limit", limit);
        return await command.ReadFirstColumnAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListByExternalUserAsync(
        string accountId, string externalUserId, string? afterGenerationId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Generations.ListByExternalUser);
        command.With("@account", accountId);
        command.With("@user", externalUserId);
        command.With("@after", afterGenerationId ?? "");
        command.With("@limit", limit);
        return await command.ReadFirstColumnAsync(cancellationToken);
    }

    public async Task<Page<string>> ListFilesExpiredAsync(DateTimeOffset now, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!ReadModelCommands.TryStartAscending(page, out var afterDue, out var afterId))
        {
            return new Page<string>([], null);
        }

        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Generations.ListFilesExpired);
        command.With("@now", _dialect.Timestamp(now));
        command.With("@due", _dialect.Timestamp(afterDue));
        command.With("@id", afterId);
        command.With("@limit", page.Limit + 1);
        return await command.ReadDuePageAsync(page.Limit, _dialect, reader => (reader.GetString(0), reader.GetString(0)), 1, cancellationToken);
    }
}
