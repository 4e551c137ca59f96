using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Dashboard;

/// <summary>
/// The embedded service for dashboard tests, on its own data directory. Every test signs in from 127.0.0.1, so the
/// per-address limit on password forms is raised here; <see cref="DashboardSignInLimitTests"/> checks the default.
/// </summary>
public sealed class DashboardAppFixture : IAsyncLifetime
{
    /// <summary>The password every test user chooses.</summary>
    public const string Password = "correct horse battery staple";

    private readonly TempDirectory _directory = new();

    public TryOnApp App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = new TryOnApp(_directory.Path, new Dictionary<string, string?> { ["Dashboard:SignInsPerMinute"] = "10000" });
        Admin = App.CreateAdminClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await App.DisposeAsync();
        _directory.Dispose();
    }

    public Task<Merchant> CreateMerchantAsync(long credits = 10) => App.CreateMerchantAsync(Admin, credits);

    /// <summary>The operator's invitation of <paramref name="email"/> as <paramref name="role"/>.</summary>
    public async Task<JsonElement> InviteAsync(string accountId, string email, string role) =>
        await (await Admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/invitations", new { email, role })).ShouldBeOkAsync(HttpStatusCode.Created);

    /// <summary>A visitor invited by the operator who chose <see cref="Password"/> and is signed in.</summary>
    public async Task<DashboardVisitor> SignedInAsync(string accountId, string email, string role = "owner")
    {
        var url = (await InviteAsync(accountId, email, role)).GetProperty("url").GetString()!;
        var visitor = new DashboardVisitor(App);
        using var joined = await visitor.ChoosePasswordAsync(url, Password);
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        return visitor;
    }
}
