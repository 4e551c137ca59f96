namespace TryOn.Storage.Blobs;

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

    /// <summary>
    /// Copies the blob to <paramref name="destination"/> (written whole or not at all, like <see cref="WriteAsync"/>);
    /// false when there is no such blob. Streams by default; stores that can copy without moving the bytes through the
    /// process do so.
    /// </summary>
    async Task<bool> CopyAsync(string source, string destination, CancellationToken cancellationToken = default)
    {
        await using var content = await OpenReadAsync(source, cancellationToken);
        if (content is null)
        {
            return false;
        }

        await WriteAsync(destination, content, cancellationToken);
        return true;
    }

    /// <summary>The blob's size in bytes, or null when there is no such blob. Reads it whole by default; stores that know it say so.</summary>
    async Task<long?> GetSizeAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var content = await OpenReadAsync(key, cancellationToken);
        if (content is null)
        {
            return null;
        }

        if (content.CanSeek)
        {
            return content.Length;
        }

        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            size += read;
        }

        return size;
    }

    /// <summary>Deletes the blob; true when it existed. Idempotent.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);
}
