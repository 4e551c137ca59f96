namespace TryOn.Contracts.Images;

/// <summary>
/// One stored shopper image, keyed by its id (<c>img_…</c>): who owns it, where its bytes are and until when it
/// may be used. The bytes are written to the blob store before the record that points to them.
/// </summary>
[Alias("tryon.images.IImageGrain")]
public interface IImageGrain : IGrainWithStringKey
{
    /// <summary>
    /// Indexes, then records the image; once this returns, retention and erasure will find it. Idempotent for the same
    /// record; a failure leaves at most an index row that the grain drops when the sweep or an erasure reaches it.
    /// </summary>
    [Alias("Record")]
    Task RecordAsync(StoredImageRecord image, CancellationToken cancellationToken = default);

    /// <summary>The image as <paramref name="accountId"/> may see it: found, unknown (or expired), or another account's.</summary>
    [Alias("Find")]
    Task<ImageLookup> FindAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erasure (docs/privacy.md): deletes the stored bytes and forgets the end user, whoever the image was stored for;
    /// the image answers as not found from then on. True when this call removed it; no effect on another account's
    /// image. Idempotent.
    /// </summary>
    [Alias("Erase")]
    Task<bool> EraseAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>Retention: removes the image as erasure does once its retention has ended; true when this call removed it.</summary>
    [Alias("RemoveIfExpired")]
    Task<bool> RemoveIfExpiredAsync(CancellationToken cancellationToken = default);
}
