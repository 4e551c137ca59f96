using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TryOn.Tests.Infrastructure;

/// <summary>A merchant account made through the admin API, with one key and a client that sends it.</summary>
public sealed record Merchant(string AccountId, string ApiKey, string KeyId, HttpClient Client);

/// <summary>How tests make merchants: through the operator's admin API, as an operator would.</summary>
public static class Merchants
{
    /// <summary>Creates an account named "Test shop" and issues it a key.</summary>
    public static async Task<Merchant> CreateMerchantAsync(this TryOnApp app, HttpClient admin, long credits = 10, object? limits = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(admin);
        var account = await (await admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Test shop", credits, limits }))
            .ShouldBeOkAsync(HttpStatusCode.Created);
        var accountId = account.GetProperty("accountId").GetString()!;
        var key = await admin.IssueKeyAsync(accountId);
        var secret = key.GetProperty("key").GetString()!;
        return new Merchant(accountId, secret, key.GetProperty("keyId").GetString()!, app.CreateMerchantClient(secret));
    }

    public static async Task<JsonElement> IssueKeyAsync(this HttpClient admin, string accountId, string name = "server") =>
        await (await admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name })).ShouldBeOkAsync(HttpStatusCode.Created);
}
