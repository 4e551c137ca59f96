using System.Text.Json;
using TryOn.Contracts.Paging;
using TryOn.Contracts.Products;

namespace TryOn.Storage.ReadModels;

internal sealed class ProductReadModel(IReadModelDatabase database) : IProductReadModel
{
    private static readonly JsonSerializerOptions DocumentJson = new(JsonSerializerDefaults.General);

    private readonly ReadModelDialect _dialect = database.Dialect;

    public async Task UpsertAsync(ProductSnapshot product, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(product);
        await database.ExecuteWriteAsync(_dialect.Products.Upsert, command =>
        {
            command.With("@account", product.AccountId);
            command.With("@external", product.ExternalId);
            command.With("@listed", product.IsListed);
            command.With("@created", _dialect.Timestamp(product.CreatedAt));
            command.With("@expires", product.ExpiresAt is { } expiresAt ? _dialect.Timestamp(expiresAt) : null);
            command.With("@version", product.Version);
            command.With("@document", JsonSerializer.Serialize(product, DocumentJson));
        }, cancellationToken);
    }

    public async Task DeleteAsync(string accountId, string externalId, CancellationToken cancellationToken = default)
    {
        await database.ExecuteWriteAsync(_dialect.Products.Delete, command =>
        {
            command.With("@account", accountId);
            command.With("@external", externalId);
        }, cancellationToken);
    }

    public async Task<Page<ProductSnapshot>> ListAsync(string accountId, PageRequest page, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!ReadModelCommands.TryStart(page, out var createdAt, out var externalId))
        {
            return new Page<ProductSnapshot>([], null);
        }

        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Products.List);
        command.With("@account", accountId);
        command.With("@now", _dialect.Timestamp(now));
        command.With("@created", _dialect.Timestamp(createdAt));
        command.With("@external", externalId);
        command.With("@limit", page.Limit + 1);

        var items = new List<ProductSnapshot>(page.Limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(JsonSerializer.Deserialize<ProductSnapshot>(reader.GetString(0), DocumentJson)!);
        }

        return ReadModelCommands.ToPage(items, page.Limit, product => KeysetCursor.Of(product.CreatedAt, product.ExternalId));
    }

    public async Task<Page<string>> ListExpiredAsync(DateTimeOffset now, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        // The cursor names a product as "account|externalId": account ids never hold '|'.
        if (!ReadModelCommands.TryStartAscending(page, out var afterDue, out var afterProduct))
        {
            return new Page<string>([], null);
        }

        var separator = afterProduct.IndexOf('|', StringComparison.Ordinal);
        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Products.ListExpired);
        command.With("@now", _dialect.Timestamp(now));
        command.With("@due", _dialect.Timestamp(afterDue));
        command.With("@account", separator < 0 ? afterProduct : afterProduct[..separator]);
        command.With("@external", separator < 0 ? "" : afterProduct[(separator + 1)..]);
        command.With("@limit", page.Limit + 1);
        return await command.ReadDuePageAsync(
            page.Limit,
            _dialect,
            reader => (ProductKeys.GrainKey(reader.GetString(0), reader.GetString(1)), $"{reader.GetString(0)}|{reader.GetString(1)}"),
            2,
            cancellationToken);
    }
}
