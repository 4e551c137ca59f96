using System.Buffers.Text;
using System.Text;

namespace TryOn.Contracts.Paging;

/// <summary>
/// Opaque cursors: the sort key of the last item of a page, base64url-encoded so clients treat it as a token.
/// </summary>
public static class PageCursor
{
    public static string Encode(string sortKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(sortKey));

    public static bool TryDecode(string? cursor, out string sortKey)
    {
        sortKey = "";
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 512)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[Base64Url.GetMaxDecodedLength(cursor.Length)];
        if (Base64Url.DecodeFromChars(cursor, buffer, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        try
        {
            sortKey = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer[..written]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
