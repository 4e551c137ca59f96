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
    public Task<Merchant> CreateMerchantAsync(long credits = 10, object? limits = null) => App.CreateMerchantAsync(Admin, credits, limits);

    public Task<JsonElement> IssueKeyAsync(string accountId, string name = "server") => Admin.IssueKeyAsync(accountId, name);
}
