using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace TryOn.Web.Idempotency;

/// <summary>
/// What makes two requests "the same request" for an <c>Idempotency-Key</c>: the method, the path and query, the
/// media type and the body, hashed (SHA-256). A multipart body is hashed without its boundary, which a client usually
/// draws anew for each attempt. The body is buffered (in memory up to 30 KB, then in a temporary file) and rewound,
/// so the endpoint reads it as sent.
/// </summary>
internal static class RequestFingerprint
{
    public static async Task<string> ComputeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string? boundary = null;
        var mediaType = "";
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType))
        {
            mediaType = contentType.MediaType.Value?.ToLowerInvariant() ?? "";
            boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is { Length: > 0 } value ? "--" + value : null;
        }

        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}\n{request.QueryString}\n{mediaType}\n"));
        request.EnableBuffering();
        await HashBodyAsync(request.Body, boundary is null ? [] : Encoding.ASCII.GetBytes(boundary), hash, cancellationToken);
        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Appends the body to <paramref name="hash"/>, every occurrence of <paramref name="boundary"/> left out. The last
    /// bytes of each chunk that could start a boundary are held back until the next chunk decides.
    /// </summary>
    private static async Task HashBodyAsync(Stream body, byte[] boundary, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920 + Math.Max(0, boundary.Length - 1)];
        var held = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(held, buffer.Length - held), cancellationToken)) > 0)
        {
            var filled = held + read;
            var keep = boundary.Length == 0 ? 0 : Math.Min(boundary.Length - 1, filled);
            var settled = Strip(buffer.AsSpan(0, filled), boundary, filled - keep, hash);
            held = filled - settled;
            buffer.AsSpan(settled, held).CopyTo(buffer);
        }

        hash.AppendData(buffer.AsSpan(0, held));
    }

    /// <summary>Hashes <paramref name="data"/> up to <paramref name="limit"/> without boundaries; returns how far it got.</summary>
    private static int Strip(ReadOnlySpan<byte> data, byte[] boundary, int limit, IncrementalHash hash)
    {
        if (boundary.Length == 0)
        {
            hash.AppendData(data);
            return data.Length;
        }

        var position = 0;
        while (true)
        {
            var found = data[position..].IndexOf(boundary);
            if (found < 0 || position + found >= limit)
            {
                // No boundary starts before the limit: hash up to it and keep the rest for the next chunk.
                var end = Math.Max(position, limit);
                hash.AppendData(data[position..end]);
                return end;
            }

            hash.AppendData(data.Slice(position, found));
            position += found + boundary.Length;
        }
    }
}
