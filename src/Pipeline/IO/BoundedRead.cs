namespace TryOn.Pipeline.IO;

public static class BoundedRead
{
    /// <summary>
    /// Reads the stream to its end, or gives up (null) the moment it passes <paramref name="maxBytes"/>, so an
    /// oversized body is never held in memory beyond the cap.
    /// </summary>
    public static async Task<byte[]?> ReadToEndAsync(Stream stream, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
