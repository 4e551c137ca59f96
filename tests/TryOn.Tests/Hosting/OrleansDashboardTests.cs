using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Hosting;

/// <summary>
/// The Orleans Dashboard in embedded mode: absent unless <c>OrleansDashboard:Enabled</c>, and then served at
/// <c>/admin/orleans/</c> only to the admin token (as a bearer header, or as the password a browser sends), never to a
/// merchant key; its data are the live silo's.
/// </summary>
public sealed class OrleansDashboardTests : IAsyncLifetime
{
    private const string Page = "/admin/orleans/";

    private readonly TempDirectory _enabledDirectory = new();
    private readonly TempDirectory _defaultDirectory = new();
    private TryOnApp _enabled = null!;
    private TryOnApp _default = null!;

    public Task InitializeAsync()
    {
        _enabled = new TryOnApp(_enabledDirectory.Path, new Dictionary<string, string?> { ["OrleansDashboard:Enabled"] = "true" });
        _default = new TryOnApp(_defaultDirectory.Path);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _enabled.DisposeAsync();
        await _default.DisposeAsync();
        _enabledDirectory.Dispose();
        _defaultDirectory.Dispose();
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    [Fact]
    public async Task Off_by_default()
    {
        using var admin = _default.CreateAdminClient();

        await (await admin.GetAsync(Page)).ShouldBeErrorAsync(HttpStatusCode.NotFound, "ROUTE_NOT_FOUND");
        await (await admin.GetAsync(Page + "DashboardCounters")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "ROUTE_NOT_FOUND");
    }

    [Fact]
    public async Task Without_the_admin_token_the_browser_is_asked_for_it_and_a_merchant_key_does_not_open_it()
    {
        using var anonymous = _enabled.CreateHttpClient();
        var asked = await anonymous.GetAsync(Page);
        await asked.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("Basic", asked.Headers.WwwAuthenticate.Single().Scheme);

        using var merchant = _enabled.CreateMerchantClient(_enabled.DevelopmentApiKeyAfterStart());
        await (await merchant.GetAsync(Page)).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await (await merchant.GetAsync(Page + "DashboardCounters")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        using var wrong = _enabled.CreateHttpClient();
        wrong.DefaultRequestHeaders.Authorization = Basic("operator", _enabled.DevelopmentApiKey);
        await (await wrong.GetAsync(Page)).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task The_admin_token_as_a_password_opens_the_page_and_its_data()
    {
        using var browser = _enabled.CreateHttpClient();
        browser.DefaultRequestHeaders.Authorization = Basic("operator", _enabled.AdminToken);

        var page = await browser.GetAsync(Page);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        // The dashboard samples the silo every second: the first counters arrive after the first sample.
        JsonElement hosts = default;
        await Eventually.HoldsAsync(
            async () => (hosts = JsonDocument.Parse(await browser.GetStringAsync(new Uri(Page + "DashboardCounters", UriKind.Relative))).RootElement.GetProperty("hosts")).GetArrayLength() > 0,
            TimeSpan.FromSeconds(15),
            "the dashboard's counters to list the silo");
        Assert.StartsWith("127.0.0.1:", Assert.Single(hosts.EnumerateArray()).GetProperty("siloAddress").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bearer_header_opens_it_and_basic_credentials_open_nothing_else()
    {
        using var admin = _enabled.CreateAdminClient();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(Page + "version")).StatusCode);

        using var browser = _enabled.CreateHttpClient();
        browser.DefaultRequestHeaders.Authorization = Basic("operator", _enabled.AdminToken);
        await (await browser.GetAsync("/admin/v1/accounts")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task It_is_not_in_the_openapi_document()
    {
        using var anonymous = _enabled.CreateHttpClient();
        var document = await anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.DoesNotContain("/admin/orleans", document, StringComparison.Ordinal);
    }
}
