using TryOn.Contracts.Paging;

namespace TryOn.Contracts.Products;

/// <summary>
/// The relational side of products: the account's list (one-shots excluded) and the expiry index the sweep reads.
/// Written by the product grain after each committed change, guarded by version.
/// </summary>
public interface IProductReadModel
{
    Task UpsertAsync(ProductSnapshot product, CancellationToken cancellationToken = default);

    Task DeleteAsync(string accountId, string externalId, CancellationToken cancellationToken = default);

    /// <summary>The account's listed, unexpired products, newest first.</summary>
    Task<Page<ProductSnapshot>> ListAsync(string accountId, PageRequest page, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Grain keys of products whose lifetime ended at or before <paramref name="now"/>, oldest first, in keyset pages
    /// (expiry, then account and external id), so the sweep walks past entries it could not remove.
    /// </summary>
    Task<Page<string>> ListExpiredAsync(DateTimeOffset now, PageRequest page, CancellationToken cancellationToken = default);
}
