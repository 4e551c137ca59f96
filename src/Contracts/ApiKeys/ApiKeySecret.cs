using System.Security.Cryptography;
using System.Text;

namespace TryOn.Contracts.ApiKeys;

/// <summary>
/// The shape of merchant API keys: <c>gk_</c> followed by 43 base-62 characters (about 256 random bits).
/// Keys are high-entropy, so a single SHA-256 is a sound stored form; no slow hash is needed.
/// </summary>
public static class ApiKeySecret
{
    public const string Prefix = "gk_";
    public const int RandomLength = 43;
    public const int Length = 46;

    /// <summary>How many characters of a key are kept in clear to let people tell their keys apart.</summary>
    public const int DisplayPrefixLength = Length - RandomLength + 8;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string Create() => Prefix + RandomNumberGenerator.GetString(Alphabet, RandomLength);

    /// <summary>Cheap shape check so that garbage never reaches a grain.</summary>
    public static bool HasValidShape(ReadOnlySpan<char> key)
    {
        if (key.Length != Length || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in key[Prefix.Length..])
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    public static byte[] Hash(ReadOnlySpan<char> key)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        var written = Encoding.UTF8.GetBytes(key, utf8);
        return SHA256.HashData(utf8[..written]);
    }

    public static string DisplayPrefix(string key) => key[..DisplayPrefixLength];

    /// <summary>The key of the index grain that maps this hash to its account.</summary>
    public static string IndexGrainKey(ReadOnlySpan<byte> hash) => "apikey_" + Convert.ToHexStringLower(hash);
}
