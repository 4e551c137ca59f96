using System.Diagnostics.CodeAnalysis;

namespace TryOn.Pipeline.Fetching;

/// <summary>
/// The one rule for an image URL a client sends (a product image, a shopper photo): absolute, http or https, and without
/// credentials, which would otherwise travel to a third party in every fetch. The request bodies refuse any other at once
/// with <see cref="Requirement"/>; <see cref="SafeImageFetcher"/> applies the same rule to what it fetches and to every
/// redirect it follows.
/// </summary>
public static class ImageUrls
{
    /// <summary>The longest URL a request body may send.</summary>
    public const int MaxLength = 2048;

    /// <summary>What a client is told about a URL the rule refused.</summary>
    public const string Requirement = "Expected an absolute http or https URL without credentials.";

    /// <summary>True for a URL a request body may send: non-empty, at most <see cref="MaxLength"/> characters, and the rule's.</summary>
    public static bool IsAcceptable([NotNullWhen(true)] string? url) =>
        url is { Length: > 0 and <= MaxLength } && TryParse(url, out _);

    /// <summary>The URL as a <see cref="Uri"/>; false for one that is not absolute, not http or https, or carries credentials.</summary>
    public static bool TryParse(string? url, [NotNullWhen(true)] out Uri? uri) =>
        Uri.TryCreate(url, UriKind.Absolute, out uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(uri.UserInfo);
}
