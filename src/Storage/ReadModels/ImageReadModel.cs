using TryOn.Contracts.Images;
using TryOn.Contracts.Paging;

namespace TryOn.Storage.ReadModels;

internal sealed class ImageReadModel(IReadModelDatabase database) : IImageReadModel
{
    private readonly ReadModelDialect _dialect = database.Dialect;

    public async Task UpsertAsync(StoredImageRecord image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        await database.ExecuteWriteAsync(_dialect.Images.Insert, command =>
        {
            command.With("@id", image.ImageId);
            command.With("@account", image.AccountId);
            command.With("@user", image.ExternalUserId);
            command.With("@blob", image.BlobKey);
            command.With("@created", _dialect.Timestamp(image.CreatedAt));
            command.With("@expires", _dialect.Timestamp(image.ExpiresAt));
        }, cancellationToken);
    }

    public Task DeleteAsync(string imageId, CancellationToken cancellationToken = default) =>
        database.ExecuteWriteAsync(_dialect.Images.Delete, command => command.With("@id", imageId), cancellationToken);

    public async Task<Page<string>> ListExpiredAsync(DateTimeOffset now, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!ReadModelCommands.TryStartAscending(page, out var afterDue, out var afterId))
        {
            return new Page<string>([], null);
        }

        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Images.ListExpired);
        command.With("@now", _dialect.Timestamp(now));
        command.With("@due", _dialect.Timestamp(afterDue));
        command.With("@id", afterId);
        command.With("@limit", page.Limit + 1);
        return await command.ReadDuePageAsync(page.Limit, _dialect, reader => (reader.GetString(0), reader.GetString(0)), 1, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListByExternalUserAsync(
        string accountId, string externalUserId, string? afterImageId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenReadModelConnectionAsync(cancellationToken);
        await using var command = connection.Command(_dialect.Images.ListByExternalUser);
        command.With("@account", accountId);
        command.With("@user", externalUserId);
        // "" sorts before every id, so the first page needs no second statement.
        command.With("@after", afterImageId ?? "");
        command.With("@limit", limit);
        return await command.ReadFirstColumnAsync(cancellationToken);
    }
}
