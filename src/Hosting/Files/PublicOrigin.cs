using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace TryOn.Hosting.Files;

/// <summary>
/// The origin that signed links and the OpenAPI <c>servers</c> entry start with; never the request's <c>Host</c>
/// header, which any client can set (a forged one would hand out links to another site, and poison caches).
/// <c>Files:PublicBaseUrl</c> when it is configured (required in cluster mode, whose gateways sit behind a load
/// balancer); otherwise the address this server listens on, when its first HTTP address is a concrete one
/// (<c>http://127.0.0.1:5000</c>, not <c>http://[::]:8080</c>); otherwise none, and links are relative
/// (<c>/files/…</c>), for the client to resolve against the address it called.
/// </summary>
public sealed class PublicOrigin(IOptions<FileLinkOptions> options, IServer server)
{
    /// <summary>The origin without a trailing slash (<c>https://tryon.example.com</c>), or empty for relative links.</summary>
    public string Value =>
        options.Value.PublicBaseUrl is { } configured
            ? configured.GetLeftPart(UriPartial.Authority)
            : Listening(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []) ?? "";

    /// <summary>The first HTTP(S) address when it names one host and a bound port; null for a wildcard or none.</summary>
    internal static string? Listening(IEnumerable<string> addresses)
    {
        var first = addresses.FirstOrDefault(address =>
            address.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || address.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        if (first is null || !Uri.TryCreate(first, UriKind.Absolute, out var address) || address.Port == 0)
        {
            return null;
        }

        var wildcard = address.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip)
            && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));
        return wildcard ? null : address.GetLeftPart(UriPartial.Authority);
    }
}
