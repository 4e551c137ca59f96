using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using TryOn.Contracts;

namespace TryOn.Hosting.Files;

public sealed class FileLinkOptions
{
    public const string SectionName = "Files";

    /// <summary>
    /// The HMAC key of signed file links, at least 32 characters. Required in cluster mode (every API process must
    /// share it); in embedded mode a missing key is generated into <c>&lt;DataDirectory&gt;/file-signing-key.txt</c>.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>How long a link works.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The public origin links and the OpenAPI <c>servers</c> entry start with (e.g. <c>https://tryon.example.com</c>;
    /// a path is ignored). Required in cluster mode; by default the address this server listens on, or relative links
    /// (<see cref="PublicOrigin"/>). Never taken from the request's <c>Host</c> header.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }
}

public enum FileLinkCheck
{
    Valid,
    Expired,
    Invalid,
}

/// <summary>
/// Signed, expiring links to stored files: <c>/files/&lt;blob key&gt;?expires=&lt;unix&gt;&amp;signature=&lt;HMAC&gt;</c>.
/// They need no API key, so a storefront can show the image, and they cannot be altered or extended. Every host that
/// hands out links has one: the API (answers) and the silo (the generation documents that webhook events carry).
/// </summary>
public sealed class FileLinks(
    IOptions<FileLinkOptions> options, PublicOrigin origin, [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider timeProvider)
{
    public const string RoutePrefix = "/files/";
    public const int MinimumKeyLength = 32;

    private byte[]? _key = string.IsNullOrEmpty(options.Value.SigningKey) ? null : Encoding.UTF8.GetBytes(options.Value.SigningKey);

    /// <summary>Takes the key from the embedded bootstrap's file when none is configured.</summary>
    public void UseKey(string key)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new InvalidOperationException($"The file signing key must hold at least {MinimumKeyLength} characters.");
        }

        Volatile.Write(ref _key, Encoding.UTF8.GetBytes(key));
    }

    /// <summary>A link to <paramref name="blobKey"/>, absolute or relative as <see cref="PublicOrigin"/> decides.</summary>
    public (string Url, DateTimeOffset ExpiresAt) Create(string blobKey)
    {
        var expiresAt = timeProvider.GetUtcNow() + options.Value.LinkLifetime;
        var expires = expiresAt.ToUnixTimeSeconds();
        var url = $"{origin.Value}{RoutePrefix}{blobKey}?expires={expires.ToString(CultureInfo.InvariantCulture)}&signature={Sign(blobKey, expires)}";
        return (url, DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    public FileLinkCheck Check(string blobKey, string? expires, string? signature)
    {
        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt) || string.IsNullOrEmpty(signature))
        {
            return FileLinkCheck.Invalid;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(blobKey, expiresAt));
        var presented = Encoding.ASCII.GetBytes(signature);
        if (!CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return FileLinkCheck.Invalid;
        }

        return expiresAt <= timeProvider.GetUtcNow().ToUnixTimeSeconds() ? FileLinkCheck.Expired : FileLinkCheck.Valid;
    }

    private string Sign(string blobKey, long expires)
    {
        var key = Volatile.Read(ref _key) ?? throw new InvalidOperationException("No file signing key is configured.");
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{blobKey}\n{expires.ToString(CultureInfo.InvariantCulture)}"));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
