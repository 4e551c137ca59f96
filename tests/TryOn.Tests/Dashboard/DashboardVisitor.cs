using System.Net;
using System.Text.RegularExpressions;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Dashboard;

/// <summary>
/// One browser's worth of the dashboard over plain HTTP: its own cookie jar, no redirects followed, and forms posted
/// with the antiforgery token the page rendered (as a browser would), or without one when a test asks.
/// </summary>
public sealed partial class DashboardVisitor : IDisposable
{
    private readonly HttpClient _client;

    public DashboardVisitor(TryOnApp app)
    {
        var origin = app.Start();
        Cookies = new CookieContainer();
        _client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = origin };
    }

    public CookieContainer Cookies { get; }

    [GeneratedRegex("name=\"__antiforgery\" type=\"hidden\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(new Uri(path, UriKind.Relative));

    public async Task<string> PageAsync(string path)
    {
        using var response = await GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {response.Headers.Location}");
        return html;
    }

    /// <summary>Loads <paramref name="page"/>, then posts <paramref name="fields"/> to <paramref name="action"/> (the page itself when null) with the page's token.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string page, IReadOnlyDictionary<string, string> fields, string? action = null, bool withToken = true)
    {
        var form = await FieldsWithTokenAsync(page, fields, withToken);
        using var content = new FormUrlEncodedContent(form);
        return await _client.PostAsync(new Uri(action ?? page, UriKind.Relative), content);
    }

    /// <summary>As <see cref="SubmitAsync"/>, as <c>multipart/form-data</c> with <paramref name="files"/> (part name → file name and bytes).</summary>
    public async Task<HttpResponseMessage> UploadAsync(
        string page, IReadOnlyDictionary<string, string> fields, IReadOnlyDictionary<string, (string FileName, byte[] Content)> files, bool withToken = true)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in await FieldsWithTokenAsync(page, fields, withToken))
        {
            content.Add(new StringContent(value), name);
        }

        foreach (var (name, (fileName, bytes)) in files)
        {
            content.Add(new ByteArrayContent(bytes), name, fileName);
        }

        return await _client.PostAsync(new Uri(page, UriKind.Relative), content);
    }

    private async Task<Dictionary<string, string>> FieldsWithTokenAsync(string page, IReadOnlyDictionary<string, string> fields, bool withToken)
    {
        var html = await PageAsync(page);
        var form = new Dictionary<string, string>(fields);
        if (withToken)
        {
            form["__antiforgery"] = AntiforgeryField().Match(html) is { Success: true } match
                ? WebUtility.HtmlDecode(match.Groups["token"].Value)
                : throw new InvalidOperationException($"{page} renders no antiforgery token.");
        }

        return form;
    }

    /// <summary>Chooses a password on an invitation or reset link; the answer signs this visitor in.</summary>
    public async Task<HttpResponseMessage> ChoosePasswordAsync(string linkUrl, string password, string? confirmation = null) =>
        await SubmitAsync(linkUrl, new Dictionary<string, string> { ["Password"] = password, ["Confirmation"] = confirmation ?? password });

    public async Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        await SubmitAsync("/dashboard/sign-in", new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });

    public async Task<HttpResponseMessage> SignOutAsync() =>
        await SubmitAsync("/dashboard", new Dictionary<string, string>(), "/dashboard/sign-out");

    /// <summary>The session cookie as a thief would copy it.</summary>
    public string SessionCookie => Cookies.GetCookies(new Uri(_client.BaseAddress!, "/dashboard")).Cast<Cookie>().Single(cookie => cookie.Name == "__tryon_dashboard").Value;

    /// <summary>A request to <paramref name="path"/> with only a copied session cookie, from another machine.</summary>
    public static async Task<HttpResponseMessage> GetWithCookieAsync(Uri origin, string path, string sessionCookie)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = origin };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("Cookie", $"__tryon_dashboard={sessionCookie}");
        return await client.SendAsync(request);
    }

    public void Dispose() => _client.Dispose();
}
