using System.Net;
using System.Net.Sockets;

namespace TryOn.Pipeline.Fetching;

/// <summary>
/// The connect step of every outbound HTTP client that calls a merchant-supplied URL (<see cref="SafeImageFetcher"/>,
/// webhook deliveries): it resolves the host itself and dials only addresses the rule allows, so the check applies to
/// the address actually connected to and DNS tricks (a name that resolves to 127.0.0.1, rebinding between check and use)
/// cannot get around it. A host with no allowed address fails with <see cref="BlockedAddressException"/> inside the
/// client's <see cref="HttpRequestException"/>.
/// </summary>
public static class GuardedConnection
{
    /// <summary>For <see cref="SocketsHttpHandler.ConnectCallback"/>: connects only where <paramref name="mayConnect"/> allows.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Callback(Func<IPAddress, bool> mayConnect)
    {
        ArgumentNullException.ThrowIfNull(mayConnect);
        return (context, cancellationToken) => ConnectAsync(context, mayConnect, cancellationToken);
    }

    /// <summary>The rule of the settings: public addresses only, unless <see cref="SafeImageFetcherOptions.AllowPrivateNetworks"/>.</summary>
    public static Func<IPAddress, bool> RuleOf(SafeImageFetcherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AllowPrivateNetworks ? _ => true : NetworkAddressPolicy.IsPublic;
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, Func<IPAddress, bool> mayConnect, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(mayConnect).ToArray();
        if (allowed.Length == 0)
        {
            throw new BlockedAddressException();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>Every address of the host is refused by the network address policy; nothing was dialled.</summary>
public sealed class BlockedAddressException : Exception
{
    public BlockedAddressException()
        : base("Every address of the host is refused by the network address policy.")
    {
    }

    public BlockedAddressException(string message)
        : base(message)
    {
    }

    public BlockedAddressException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
