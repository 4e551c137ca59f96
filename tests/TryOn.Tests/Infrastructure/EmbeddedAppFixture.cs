using System.Net.Http.Json;
using System.Text.Json;

namespace TryOn.Tests.Infrastructure;

/// <summary>One embedded service per test class, on its own data directory; tests make their own accounts.</summary>
public sealed class EmbeddedAppFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public TryOnApp App { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = new TryOnApp(_directory.Path);
        Anonymous = App.CreateHttpClient();
        Admin = App.CreateAdminClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Anonymous.Dispose();
        Admin.Dispose();
        await App.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>Creates an account through the admin API and issues it a key.</summary>
    public async Task<Merchant> CreateMerchantAsync(long credits = 10, object? limits = null)
    {
        var account = await (await Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Test shop", credits, limits }))
            .ShouldBeOkAsync(System.Net.HttpStatusCode.Created);
        var accountId = account.GetProperty("accountId").GetString()!;
        var key = await IssueKeyAsync(accountId);
        return new Merchant(accountId, key.GetProperty("key").GetString()!, key.GetProperty("keyId").GetString()!, App.CreateMerchantClient(key.GetProperty("key").GetString()!));
    }

    public async Task<JsonElement> IssueKeyAsync(string accountId, string name = "server") =>
        await (await Admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name }))
            .ShouldBeOkAsync(System.Net.HttpStatusCode.Created);
}

public sealed record Merchant(string AccountId, string ApiKey, string KeyId, HttpClient Client);
