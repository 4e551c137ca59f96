namespace TryOn.Grains.Storage;

/// <summary>
/// Where image bytes live (uploads, product images, results). Keys are slash-separated and namespaced
/// by account (<c>acct_…/uploads/img_…</c>); only keys cross grain boundaries, never bytes.
/// Blobs are written before any state that points to them.
/// </summary>
public interface IBlobStore
{
    /// <summary>Writes the blob whole or not at all; an existing blob with that key is replaced.</summary>
    Task WriteAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>The blob's bytes, or null when there is no such blob.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes the blob; true when it existed. Idempotent.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);
}
