using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.OpenApi;

/// <summary>
/// The API reference at <c>/docs</c> works under the HTML pages' Content-Security-Policy: no inline script, nothing
/// from another origin, checked over HTTP and in a real browser.
/// </summary>
public sealed partial class ApiReferenceTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    private const string Policy = "default-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; frame-ancestors 'none'";

    /// <summary>The first section's first operation summary, which the reference shows once it has read the OpenAPI document.</summary>
    private const string OperationTitle = "Start a generation (1 credit): a product (reference, inline or one-shot) on a shopper photo (id, url or fileKey).";

    [GeneratedRegex(@"<script\b(?<attributes>[^>]*)>(?<body>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Script();

    [Fact]
    public async Task The_page_carries_the_policy_and_no_inline_script()
    {
        using var page = await fixture.Anonymous.GetAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Policy, string.Join(",", page.Headers.GetValues("Content-Security-Policy")));
        var html = await page.Content.ReadAsStringAsync();
        var scripts = Script().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, script =>
        {
            Assert.Matches("\\ssrc=\"/docs/[a-z-]+\\.js\"", script.Groups["attributes"].Value);
            Assert.True(string.IsNullOrWhiteSpace(script.Groups["body"].Value), $"inline script: {script.Value}");
        });
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html);
        Assert.DoesNotContain("://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bundle_comes_from_the_package_gzipped_for_clients_that_accept_it()
    {
        using var plain = await fixture.Anonymous.GetAsync("/docs/scalar.js");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("text/javascript", plain.Content.Headers.ContentType?.MediaType);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        var unpacked = await plain.Content.ReadAsByteArrayAsync();
        Assert.Contains("createApiReference", System.Text.Encoding.UTF8.GetString(unpacked), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/docs/scalar.js") { Headers = { AcceptEncoding = { new StringWithQualityHeaderValue("gzip") } } };
        using var gzipped = await fixture.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, gzipped.StatusCode);
        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        Assert.True((await gzipped.Content.ReadAsByteArrayAsync()).Length < unpacked.Length / 2, "the gzipped bundle is not smaller");
    }

    [ChromiumFact]
    public async Task The_reference_renders_in_a_browser_without_a_policy_violation()
    {
        var origin = fixture.App.Start().GetLeftPart(UriPartial.Authority);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumFactAttribute.ExecutablePath, Headless = true });
        var page = await browser.NewPageAsync();
        var problems = new ConcurrentQueue<string>();
        var elsewhere = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning" || message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                problems.Enqueue($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Enqueue($"page error: {error}");
        page.RequestFailed += (_, request) => problems.Enqueue($"request failed: {request.Url} {request.Failure}");
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(origin + "/", StringComparison.Ordinal))
            {
                elsewhere.Enqueue(request.Url);
            }
        };
        // Runs through the browser's debugging protocol, which the page's policy does not govern.
        await page.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => (window.__violations ??= []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`))");

        var response = await page.GotoAsync($"{origin}/docs");
        Assert.Equal(200, response?.Status);
        await page.GetByText(OperationTitle).First.WaitForAsync(new() { Timeout = 30_000 });

        Assert.Equal("TryOn API reference", await page.TitleAsync());
        Assert.Empty(await page.EvaluateAsync<string[]>("window.__violations ?? []"));
        Assert.Empty(problems);
        Assert.Empty(elsewhere);
    }
}
