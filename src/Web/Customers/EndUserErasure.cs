using TryOn.Contracts.Generations;
using TryOn.Contracts.Images;

namespace TryOn.Web.Customers;

/// <summary>What one erasure removed; zero and zero for a customer the account never named (still a success).</summary>
internal sealed record EndUserErasureResult(int Images, int Generations);

/// <summary>
/// Erasure of one end user of one account (docs/privacy.md): every stored image tagged with their external user id and
/// every generation made for them, found through the read model's by-user indexes in bounded keyset pages (never by
/// listing files or grains), each erased by its own grain. Another account's customer with the same id is never
/// listed: the indexes are keyed by account first, and the grains check the account again. Erased entries leave the
/// indexes, so calling again is a no-op.
/// </summary>
internal sealed partial class EndUserErasure(
    IGrainFactory grains,
    IImageReadModel images,
    IGenerationReadModel generations,
    ILogger<EndUserErasure> logger)
{
    private const int BatchSize = 100;

    /// <summary>
    /// Erases the customer's data. Pages are read with the caller's token; each grain's erasure, once asked for,
    /// finishes. A call cut short can simply be repeated.
    /// </summary>
    public async Task<EndUserErasureResult> EraseAsync(string accountId, string externalUserId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        ArgumentException.ThrowIfNullOrEmpty(externalUserId);

        var erasedImages = await EachPageAsync(
            after => images.ListByExternalUserAsync(accountId, externalUserId, after, BatchSize, cancellationToken),
            id => grains.GetGrain<IImageGrain>(id).EraseAsync(accountId, CancellationToken.None));
        var erasedGenerations = await EachPageAsync(
            after => generations.ListByExternalUserAsync(accountId, externalUserId, after, BatchSize, cancellationToken),
            id => grains.GetGrain<IGenerationGrain>(id).EraseEndUserAsync(accountId, externalUserId, CancellationToken.None));

        // The external user id itself is personal data: it is not logged.
        LogErased(logger, accountId, erasedImages, erasedGenerations);
        return new EndUserErasureResult(erasedImages, erasedGenerations);
    }

    private static async Task<int> EachPageAsync(Func<string?, Task<IReadOnlyList<string>>> listAfter, Func<string, Task<bool>> erase)
    {
        var erased = 0;
        string? after = null;
        while (true)
        {
            var ids = await listAfter(after);
            erased += (await Task.WhenAll(ids.Select(erase))).Count(result => result);
            if (ids.Count < BatchSize)
            {
                return erased;
            }

            after = ids[^1];
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Erased a customer of account {AccountId}: {Images} images and {Generations} generations")]
    private static partial void LogErased(ILogger logger, string accountId, int images, int generations);
}
