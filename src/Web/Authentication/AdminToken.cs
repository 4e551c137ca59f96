using System.Security.Cryptography;
using System.Text;

namespace TryOn.Web.Authentication;

internal sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>
    /// The bearer token of the admin API. Required in cluster mode; in embedded mode a missing token is
    /// generated into <c>&lt;DataDirectory&gt;/admin-token.txt</c> at the first start.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Wrong admin tokens one client address may send per minute; past them, the address is answered
    /// <c>429 RATE_LIMITED</c> until its minute is over (see <see cref="AdminTokenThrottle"/>).
    /// </summary>
    public int FailedTokensPerMinute { get; set; } = 10;

    public const int MaxFailedTokensPerMinute = 1_000_000;
}

/// <summary>
/// The admin credential, held only as a SHA-256 hash and compared in constant time. Configured from
/// <see cref="AdminOptions.Token"/>, or supplied by the embedded bootstrap before the server accepts requests.
/// </summary>
internal sealed class AdminCredential
{
    public const int MinimumTokenLength = 16;

    private byte[]? _hash;

    public AdminCredential(Microsoft.Extensions.Options.IOptions<AdminOptions> options)
    {
        // The length rule is checked by options validation at start-up, which names the setting.
        if (!string.IsNullOrEmpty(options.Value.Token))
        {
            _hash = Hash(options.Value.Token);
        }
    }

    /// <summary>Takes a token from the embedded bootstrap's file.</summary>
    public void Use(string token)
    {
        if (token.Length < MinimumTokenLength)
        {
            throw new InvalidOperationException($"The admin token file must hold at least {MinimumTokenLength} characters.");
        }

        Volatile.Write(ref _hash, Hash(token));
    }

    public bool Matches(string presented)
    {
        var expected = Volatile.Read(ref _hash);
        return expected is not null && CryptographicOperations.FixedTimeEquals(expected, Hash(presented));
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static string Generate() => "adm_" + RandomNumberGenerator.GetString("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 43);
}
