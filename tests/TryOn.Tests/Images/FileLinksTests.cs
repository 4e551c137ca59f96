using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TryOn.Hosting.Files;

namespace TryOn.Tests.Images;

public sealed class FileLinksTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private FileLinks Links(TimeSpan? lifetime = null, Uri? publicBaseUrl = null, params string[] listening)
    {
        var options = Options.Create(new FileLinkOptions
        {
            SigningKey = new string('k', 40),
            LinkLifetime = lifetime ?? TimeSpan.FromHours(1),
            PublicBaseUrl = publicBaseUrl,
        });
        return new FileLinks(options, new PublicOrigin(options, new ListeningServer(listening.Length > 0 ? listening : ["http://127.0.0.1:5000"])), _clock);
    }

    private static (string Key, string Expires, string Signature) Parse(string url)
    {
        var uri = new Uri(new Uri("http://127.0.0.1:5000"), url);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        return (uri.AbsolutePath["/files/".Length..], query["expires"]!, query["signature"]!);
    }

    [Fact]
    public void A_link_is_valid_until_it_expires_and_not_after()
    {
        var links = Links();
        var (url, expiresAt) = links.Create("acct_1/images/img_1.jpg");
        var (key, expires, signature) = Parse(url);

        Assert.Equal(_clock.GetUtcNow().AddHours(1), expiresAt);
        Assert.Equal(FileLinkCheck.Valid, links.Check(key, expires, signature));
        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(FileLinkCheck.Valid, links.Check(key, expires, signature));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(FileLinkCheck.Expired, links.Check(key, expires, signature));
    }

    [Fact]
    public void A_link_signed_with_another_key_is_invalid()
    {
        var (key, expires, signature) = Parse(Links().Create("acct_1/images/img_1.jpg").Url);
        var options = Options.Create(new FileLinkOptions { SigningKey = new string('z', 40) });
        var other = new FileLinks(options, new PublicOrigin(options, new ListeningServer()), _clock);
        Assert.Equal(FileLinkCheck.Invalid, other.Check(key, expires, signature));
    }

    [Theory]
    [InlineData(null, "sig")]
    [InlineData("soon", "sig")]
    [InlineData("-5", "sig")]
    [InlineData("1700000000", null)]
    public void Missing_or_malformed_parameters_are_invalid(string? expires, string? signature) =>
        Assert.Equal(FileLinkCheck.Invalid, Links().Check("acct_1/images/img_1.jpg", expires, signature));

    [Fact]
    public void The_public_base_url_replaces_the_listening_address()
    {
        var links = Links(publicBaseUrl: new Uri("https://cdn.example.test/ignored/path"));
        Assert.StartsWith("https://cdn.example.test/files/acct_1/x.jpg?", links.Create("acct_1/x.jpg").Url, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_starts_with_the_listening_address_when_it_is_one_address()
    {
        Assert.StartsWith("http://127.0.0.1:5000/files/acct_1/x.jpg?", Links().Create("acct_1/x.jpg").Url, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_public_base_url_or_a_concrete_listening_address_links_are_relative()
    {
        var url = Links(listening: "http://[::]:8080").Create("acct_1/x.jpg").Url;
        Assert.StartsWith("/files/acct_1/x.jpg?expires=", url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000")]
    [InlineData("http://localhost:5000", "http://localhost:5000")]
    [InlineData("https://[::1]:5001", "https://[::1]:5001")]
    [InlineData("https://tryon.internal:443", "https://tryon.internal")]
    [InlineData("http://[::]:8080", null)]
    [InlineData("http://0.0.0.0:8080", null)]
    [InlineData("http://+:8080", null)]
    [InlineData("http://*:8080", null)]
    [InlineData("http://127.0.0.1:0", null)]
    [InlineData("unix:/run/tryon.sock", null)]
    public void The_listening_address_is_an_origin_only_when_it_is_concrete(string address, string? origin) =>
        Assert.Equal(origin, PublicOrigin.Listening([address]));

    /// <summary>A server that only reports the addresses it listens on.</summary>
    private sealed class ListeningServer : IServer
    {
        public ListeningServer(params string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var address in addresses)
            {
                feature.Addresses.Add(address);
            }

            Features.Set<IServerAddressesFeature>(feature);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
