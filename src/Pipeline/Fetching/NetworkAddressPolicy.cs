using System.Net;
using System.Net.Sockets;

namespace TryOn.Pipeline.Fetching;

/// <summary>
/// Which addresses a merchant-supplied URL may reach: public unicast only. Refused: unspecified, loopback,
/// private (RFC 1918), carrier-grade NAT, link-local (cloud metadata lives there), multicast, broadcast and
/// reserved IPv4; IPv6 loopback, unique-local, link- and site-local, multicast, documentation; and every IPv6
/// form that embeds an IPv4 address (mapped, compatible, 6to4, NAT64, Teredo) is judged by that address.
/// </summary>
public static class NetworkAddressPolicy
{
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicV6(address),
            _ => false,
        };
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> ip) => !(
        ip[0] == 0                                          // 0.0.0.0/8 "this network"
        || ip[0] == 10                                      // 10.0.0.0/8
        || ip[0] == 127                                     // loopback
        || (ip[0] == 100 && (ip[1] & 0xC0) == 64)           // 100.64.0.0/10 carrier-grade NAT
        || (ip[0] == 169 && ip[1] == 254)                   // link-local, cloud metadata
        || (ip[0] == 172 && (ip[1] & 0xF0) == 16)           // 172.16.0.0/12
        || (ip[0] == 192 && ip[1] == 0 && ip[2] == 0)       // 192.0.0.0/24 protocol assignments
        || (ip[0] == 192 && ip[1] == 0 && ip[2] == 2)       // documentation
        || (ip[0] == 192 && ip[1] == 168)                   // 192.168.0.0/16
        || (ip[0] == 198 && (ip[1] & 0xFE) == 18)           // 198.18.0.0/15 benchmarking
        || (ip[0] == 198 && ip[1] == 51 && ip[2] == 100)    // documentation
        || (ip[0] == 203 && ip[1] == 0 && ip[2] == 113)     // documentation
        || ip[0] >= 224);                                   // multicast, reserved, broadcast

    private static bool IsPublicV6(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublicV4(address.MapToIPv4().GetAddressBytes());
        }

        var ip = address.GetAddressBytes();
        if (ip.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d; the first two read as 0.0.0.0/8, refused.
            return IsPublicV4(ip.AsSpan(12));
        }

        if (ip[0] == 0x20 && ip[1] == 0x02)
        {
            return IsPublicV4(ip.AsSpan(2, 4));             // 2002::/16 6to4
        }

        if (ip[0] == 0x00 && ip[1] == 0x64 && ip[2] == 0xFF && ip[3] == 0x9B)
        {
            return IsPublicV4(ip.AsSpan(12));               // 64:ff9b::/96 NAT64
        }

        if (ip[0] == 0x20 && ip[1] == 0x01 && ip[2] == 0x00 && ip[3] == 0x00)
        {
            return false;                                   // 2001::/32 Teredo tunnels to an obscured address
        }

        if (ip[0] == 0x20 && ip[1] == 0x01 && ip[2] == 0x0D && ip[3] == 0xB8)
        {
            return false;                                   // 2001:db8::/32 documentation
        }

        return !((ip[0] & 0xFE) == 0xFC                     // fc00::/7 unique-local
            || (ip[0] == 0xFE && (ip[1] & 0xC0) == 0x80)    // fe80::/10 link-local
            || (ip[0] == 0xFE && (ip[1] & 0xC0) == 0xC0)    // fec0::/10 site-local
            || ip[0] == 0xFF);                              // multicast
    }
}
