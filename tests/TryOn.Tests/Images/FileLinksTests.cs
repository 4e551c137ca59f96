using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TryOn.Api.Files;

namespace TryOn.Tests.Images;

public sealed class FileLinksTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private FileLinks Links(TimeSpan? lifetime = null) => new(
        Options.Create(new FileLinkOptions { SigningKey = new string('k', 40), LinkLifetime = lifetime ?? TimeSpan.FromHours(1) }),
        _clock);

    private static (string Key, string Expires, string Signature) Parse(string url)
    {
        var uri = new Uri(url);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        return (uri.AbsolutePath["/files/".Length..], query["expires"]!, query["signature"]!);
    }

    private static HttpRequest Request()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1", 5000);
        return context.Request;
    }

    [Fact]
    public void A_link_is_valid_until_it_expires_and_not_after()
    {
        var links = Links();
        var (url, expiresAt) = links.Create(Request(), "acct_1/images/img_1.jpg");
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
        var (key, expires, signature) = Parse(Links().Create(Request(), "acct_1/images/img_1.jpg").Url);
        var other = new FileLinks(Options.Create(new FileLinkOptions { SigningKey = new string('z', 40) }), _clock);
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
    public void The_public_base_url_replaces_the_request_origin()
    {
        var links = new FileLinks(
            Options.Create(new FileLinkOptions { SigningKey = new string('k', 40), PublicBaseUrl = new Uri("https://cdn.example.test/ignored/path") }),
            _clock);
        Assert.StartsWith("https://cdn.example.test/files/acct_1/x.jpg?", links.Create(Request(), "acct_1/x.jpg").Url, StringComparison.Ordinal);
    }
}
