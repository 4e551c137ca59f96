using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Hosting;

/// <summary>
/// What the embedded host opens to other processes: its HTTP port, and Orleans' silo port on loopback only. No
/// client gateway: through one, any local Orleans client could grant credits and issue keys without the admin token.
/// </summary>
public sealed class EmbeddedTransportTests
{
    [Fact]
    public async Task The_embedded_silo_opens_no_client_gateway_and_listens_on_loopback_only()
    {
        using var directory = new TempDirectory();
        await using var app = new TryOnApp(directory.Path);
        using var client = app.CreateHttpClient();
        await (await client.GetAsync("/health/ready")).ShouldBeOkAsync();

        var endpoints = app.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(0, endpoints.GatewayPort);
        var silo = app.Services.GetRequiredService<ILocalSiloDetails>();
        Assert.Null(silo.GatewayAddress);
        Assert.True(IPAddress.IsLoopback(silo.SiloAddress.Endpoint.Address), $"the silo is at {silo.SiloAddress.Endpoint}");

        // The silo port answers on loopback and nowhere else this machine has an address.
        var port = silo.SiloAddress.Endpoint.Port;
        Assert.True(await ConnectsAsync(IPAddress.Loopback, port));
        foreach (var address in OtherLocalAddresses())
        {
            Assert.False(await ConnectsAsync(address, port), $"the silo port {port} should not be reachable on {address}");
        }
    }

    private static IEnumerable<IPAddress> OtherLocalAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .Where(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address));

    private static async Task<bool> ConnectsAsync(IPAddress address, int port)
    {
        using var socket = new TcpClient(address.AddressFamily);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.ConnectAsync(address, port, timeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
