using System.Net;
using Microsoft.Extensions.Options;
using TryOn.Pipeline.Fetching;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Fetching;

/// <summary>The SSRF matrix and the download limits, against loopback listeners only.</summary>
public sealed class SafeImageFetcherTests : IAsyncLifetime
{
    private readonly CountingListener _ipv4 = new(IPAddress.Loopback);
    private readonly CountingListener _ipv6 = new(IPAddress.IPv6Loopback);
    private LoopbackImageServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackImageServer.StartAsync();

    public async Task DisposeAsync()
    {
        _ipv4.Dispose();
        _ipv6.Dispose();
        await _server.DisposeAsync();
    }

    private static SafeImageFetcher Fetcher(bool allowPrivateNetworks = false, TimeSpan? totalTimeout = null) =>
        new(Options.Create(new SafeImageFetcherOptions
        {
            AllowPrivateNetworks = allowPrivateNetworks,
            TotalTimeout = totalTimeout ?? TimeSpan.FromSeconds(20),
            ConnectTimeout = TimeSpan.FromSeconds(2),
        }));

    [Theory]
    [InlineData("http://127.0.0.1:{v4}/x.png")]
    [InlineData("http://localhost:{v4}/x.png")]
    [InlineData("http://127.1:{v4}/x.png")]
    [InlineData("http://2130706433:{v4}/x.png")]
    [InlineData("http://0x7f000001:{v4}/x.png")]
    [InlineData("http://0.0.0.0:{v4}/x.png")]
    [InlineData("http://[::ffff:127.0.0.1]:{v4}/x.png")]
    [InlineData("http://[::1]:{v6}/x.png")]
    [InlineData("https://127.0.0.1:{v4}/x.png")]
    public async Task Loopback_in_any_spelling_is_refused_without_connecting(string template)
    {
        using var fetcher = Fetcher();
        var url = template.Replace("{v4}", _ipv4.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{v6}", _ipv6.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var outcome = await fetcher.FetchAsync(url);

        Assert.Equal(FetchFailure.BlockedAddress, outcome.Failure);
        Assert.Equal(0, _ipv4.Connections);
        Assert.Equal(0, _ipv6.Connections);
    }

    [Theory]
    [InlineData("http://10.0.0.1/x.png")]
    [InlineData("http://172.16.5.4/x.png")]
    [InlineData("http://192.168.1.1/x.png")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://100.64.0.1/x.png")]
    [InlineData("http://224.0.0.1/x.png")]
    [InlineData("http://255.255.255.255/x.png")]
    [InlineData("http://[fc00::1]/x.png")]
    [InlineData("http://[fe80::1]/x.png")]
    [InlineData("http://[::ffff:10.0.0.1]/x.png")]
    [InlineData("http://[64:ff9b::a00:1]/x.png")]
    [InlineData("http://[2002:a00:1::]/x.png")]
    public async Task Private_link_local_and_special_addresses_are_refused_before_any_packet(string url)
    {
        using var fetcher = Fetcher();
        Assert.Equal(FetchFailure.BlockedAddress, (await fetcher.FetchAsync(url)).Failure);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://127.0.0.1:{port}/image.png")]
    [InlineData("gopher://127.0.0.1:{port}/image.png")]
    [InlineData("http://user:secret@127.0.0.1:{port}/image.png")]
    [InlineData("//127.0.0.1:{port}/image.png")]
    [InlineData("/image.png")]
    [InlineData("not a url")]
    [InlineData("")]
    public async Task Other_schemes_credentials_and_relative_urls_are_refused(string template)
    {
        using var fetcher = Fetcher(allowPrivateNetworks: true);
        var url = template.Replace("{port}", _server.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(FetchFailure.InvalidUrl, (await fetcher.FetchAsync(url)).Failure);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task Ports_other_than_the_web_ports_are_refused_without_connecting()
    {
        using var mailServer = new CountingListener(IPAddress.Loopback);
        using var fetcher = new SafeImageFetcher(Options.Create(new SafeImageFetcherOptions()), IPAddress.IsLoopback);
        var outcome = await fetcher.FetchAsync($"http://127.0.0.1:{mailServer.Port}/x.png");
        Assert.Equal(FetchFailure.BlockedAddress, outcome.Failure);
        Assert.Equal(0, mailServer.Connections);
    }

    [Fact]
    public async Task A_body_that_breaks_off_is_unreachable_not_an_exception()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 5000\r\n\r\n0123456789"u8.ToArray());
        });
        using var fetcher = Fetcher(allowPrivateNetworks: true);

        var outcome = await fetcher.FetchAsync($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/image.png");

        await serving;
        Assert.Equal(FetchFailure.Unreachable, outcome.Failure);
    }

    [Fact]
    public async Task Image_is_downloaded_when_private_networks_are_allowed_for_testing()
    {
        using var fetcher = Fetcher(allowPrivateNetworks: true);
        var outcome = await fetcher.FetchAsync(_server.Url("/image.png"));
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(_server.Image, outcome.Bytes);
        Assert.Equal("image/png", outcome.ContentType);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(204)]
    public async Task Non_success_status_is_a_failure(int status)
    {
        using var fetcher = Fetcher(allowPrivateNetworks: true);
        var outcome = await fetcher.FetchAsync(_server.Url($"/status/{status}"));
        Assert.Equal(status == 204 ? null : FetchFailure.HttpStatus, outcome.Failure);
        if (status == 204)
        {
            Assert.Empty(outcome.Bytes!);
        }
    }

    [Fact]
    public async Task Three_redirects_are_followed_and_a_fourth_is_refused()
    {
        using var fetcher = Fetcher(allowPrivateNetworks: true);
        Assert.True((await fetcher.FetchAsync(_server.Url("/hops/3"))).Succeeded);
        Assert.Equal(FetchFailure.TooManyRedirects, (await fetcher.FetchAsync(_server.Url("/hops/4"))).Failure);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://127.0.0.1/x")]
    [InlineData("http://user:pass@127.0.0.1/x")]
    public async Task Redirects_to_other_schemes_or_credentials_are_refused(string target)
    {
        using var fetcher = Fetcher(allowPrivateNetworks: true);
        var outcome = await fetcher.FetchAsync(_server.Url($"/redirect?to={Uri.EscapeDataString(target)}"));
        Assert.Equal(FetchFailure.InvalidUrl, outcome.Failure);
    }

    [Fact]
    public async Task Redirect_to_a_refused_address_is_checked_again_and_never_connects()
    {
        // Only the image server's address is allowed; 127.0.0.2 (also loopback) stands for an internal host.
        using var internalHost = new CountingListener(IPAddress.Parse("127.0.0.2"));
        using var fetcher = new SafeImageFetcher(
            Options.Create(new SafeImageFetcherOptions { AllowedPorts = { _server.BaseAddress.Port, internalHost.Port } }),
            address => address.Equals(IPAddress.Loopback));

        var outcome = await fetcher.FetchAsync(_server.Url($"/redirect?to={Uri.EscapeDataString($"http://127.0.0.2:{internalHost.Port}/secret")}"));

        Assert.Equal(FetchFailure.BlockedAddress, outcome.Failure);
        Assert.Equal(1, _server.Requests);
        Assert.Equal(0, internalHost.Connections);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Bodies_over_the_cap_are_refused_while_streaming(bool declared)
    {
        using var fetcher = Fetcher(allowPrivateNetworks: true);
        var outcome = await fetcher.FetchAsync(_server.Url($"/huge?declared={declared}"));
        Assert.Equal(FetchFailure.TooLarge, outcome.Failure);
    }

    [Fact]
    public async Task Slow_server_runs_into_the_total_timeout()
    {
        using var fetcher = Fetcher(allowPrivateNetworks: true, totalTimeout: TimeSpan.FromMilliseconds(300));
        Assert.Equal(FetchFailure.Timeout, (await fetcher.FetchAsync(_server.Url("/slow"))).Failure);
    }

    [Fact]
    public async Task Closed_port_is_unreachable()
    {
        var closed = new CountingListener(IPAddress.Loopback);
        var port = closed.Port;
        closed.Dispose();
        using var fetcher = Fetcher(allowPrivateNetworks: true);
        Assert.Equal(FetchFailure.Unreachable, (await fetcher.FetchAsync($"http://127.0.0.1:{port}/x.png")).Failure);
    }
}
