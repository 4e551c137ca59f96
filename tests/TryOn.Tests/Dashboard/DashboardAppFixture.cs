using System.Net;
using System.Net.Http.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Dashboard;

/// <summary>
/// The embedded service for dashboard tests, on its own data directory. Every test signs in from 127.0.0.1, so the
/// per-address limit on password forms is raised here; <see cref="DashboardSignInLimitTests"/> checks the default.
/// </summary>
public sealed class DashboardAppFixture : IAsyncLifetime
{
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

    public async Task<Merchant> CreateMerchantAsync()
    {
        var account = await (await Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Test shop", credits = 10 })).ShouldBeOkAsync(HttpStatusCode.Created);
        var accountId = account.GetProperty("accountId").GetString()!;
        var key = await (await Admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "server" })).ShouldBeOkAsync(HttpStatusCode.Created);
        var secret = key.GetProperty("key").GetString()!;
        return new Merchant(accountId, secret, key.GetProperty("keyId").GetString()!, App.CreateMerchantClient(secret));
    }
}
