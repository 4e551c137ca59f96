using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TryOn.Contracts.Ids;

/// <summary>
/// A 26-character Crockford base-32 ULID: 48 bits of milliseconds then 80 random bits, so ids sort by creation time.
/// </summary>
public static class Ulid
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string NewUlid(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return NewUlid(timeProvider.GetUtcNow());
    }

    public static string NewUlid(DateTimeOffset timestamp)
    {
        Span<byte> bytes = stackalloc byte[16];
        var milliseconds = (ulong)timestamp.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteUInt64BigEndian(bytes, milliseconds << 16);
        RandomNumberGenerator.Fill(bytes[6..]);
        return Encode(bytes);
    }

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        var high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        return string.Create(26, (high, low), static (chars, value) =>
        {
            var (hi, lo) = value;
            // 128 bits as 26 five-bit groups, most significant first; the first group holds 3 bits.
            for (var i = 25; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(lo & 0x1F)];
                lo = (lo >> 5) | ((hi & 0x1F) << 59);
                hi >>= 5;
            }
        });
    }
}
