using TryOn.Contracts.Paging;

namespace TryOn.Contracts.Images;

/// <summary>
/// The relational index of stored images: what retention sweeps (by expiry) and erasure (by external user id)
/// query, so neither ever lists files or grains. Written by <c>ImageGrain</c> before it records an image (so
/// no recorded image is missing from it) and after it removes one, which then leaves it.
/// </summary>
public interface IImageReadModel
{
    Task UpsertAsync(StoredImageRecord image, CancellationToken cancellationToken = default);

    /// <summary>Takes a removed image out of the index; idempotent.</summary>
    Task DeleteAsync(string imageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ids of images whose retention has ended at <paramref name="now"/>, earliest first, in keyset pages (expiry, then
    /// id), so the sweep walks past entries it could not remove.
    /// </summary>
    Task<Page<string>> ListExpiredAsync(DateTimeOffset now, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ids of the account's images stored for <paramref name="externalUserId"/>, in id order, after
    /// <paramref name="afterImageId"/> when given (keyset paging for erasure).
    /// </summary>
    Task<IReadOnlyList<string>> ListByExternalUserAsync(string accountId, string externalUserId, string? afterImageId, int limit, CancellationToken cancellationToken = default);
}
