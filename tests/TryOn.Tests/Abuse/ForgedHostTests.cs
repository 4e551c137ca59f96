using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Abuse;

/// <summary>
/// The <c>Host</c> header is the client's to write: signed links and the OpenAPI <c>servers</c> entry never come from
/// it, and a production host list (<c>AllowedHosts</c>) refuses the hosts it does not name.
/// </summary>
public sealed class ForgedHostTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private const string Forged = "evil.example";
    private const string PublicBaseUrl = "https://tryon.example.test";

    private static HttpRequestMessage Upload(string host)
    {
        using var image = TestImages.WithTopLeftMarker(600, 800);
        var part = new ByteArrayContent(TestImages.Jpeg(image));
        part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var form = new MultipartFormDataContent { { part, "file", "photo.jpg" } };
        return new HttpRequestMessage(HttpMethod.Post, "/tryon/v1/images/upload") { Content = form, Headers = { Host = host } };
    }

    private static HttpRequestMessage Document(string host) =>
        new(HttpMethod.Get, "/openapi/v1.json") { Headers = { Host = host } };

    private static async Task<string> ServerOfAsync(HttpResponseMessage response)
    {
        var document = await response.ShouldBeOkAsync();
        var servers = document.GetProperty("servers");
        Assert.Equal(1, servers.GetArrayLength());
        return servers[0].GetProperty("url").GetString()!;
    }

    [Fact]
    public async Task A_forged_Host_reaches_neither_signed_links_nor_the_OpenAPI_servers()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var listening = merchant.Client.BaseAddress!.GetLeftPart(UriPartial.Authority);

        var uploaded = await (await merchant.Client.SendAsync(Upload(Forged))).ShouldBeOkAsync();
        var link = uploaded.GetProperty("imageUrl").GetString()!;
        Assert.DoesNotContain(Forged, link, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith($"{listening}/files/", link, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.GetAsync(link)).StatusCode);

        using var document = await fixture.Anonymous.SendAsync(Document(Forged));
        Assert.DoesNotContain(Forged, await document.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(listening, await ServerOfAsync(document));
    }

    [Fact]
    public async Task With_a_public_base_url_links_and_the_OpenAPI_servers_start_with_it()
    {
        using var directory = new TempDirectory();
        await using var app = new TryOnApp(directory.Path, new Dictionary<string, string?> { ["Files:PublicBaseUrl"] = PublicBaseUrl });
        using var admin = app.CreateAdminClient();
        var account = await (await admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Public origin", credits = 1 })).ShouldBeOkAsync(HttpStatusCode.Created);
        var key = await (await admin.PostAsJsonAsync($"/admin/v1/accounts/{account.GetProperty("accountId").GetString()}/keys", new { name = "server" }))
            .ShouldBeOkAsync(HttpStatusCode.Created);
        using var merchant = app.CreateMerchantClient(key.GetProperty("key").GetString()!);

        var uploaded = await (await merchant.SendAsync(Upload(Forged))).ShouldBeOkAsync();
        Assert.StartsWith($"{PublicBaseUrl}/files/", uploaded.GetProperty("imageUrl").GetString(), StringComparison.Ordinal);
        Assert.Equal(PublicBaseUrl, await ServerOfAsync(await merchant.SendAsync(Document(Forged))));
    }

    [Fact]
    public async Task A_Host_that_AllowedHosts_does_not_name_is_refused()
    {
        using var directory = new TempDirectory();
        await using var app = new TryOnApp(directory.Path, new Dictionary<string, string?> { ["AllowedHosts"] = "tryon.example.test;127.0.0.1" });
        using var client = app.CreateHttpClient();

        using var named = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health/live") { Headers = { Host = "tryon.example.test" } });
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        using var forged = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health/live") { Headers = { Host = Forged } });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }
}
