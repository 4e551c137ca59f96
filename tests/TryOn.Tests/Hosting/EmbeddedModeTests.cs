using System.Net;
using System.Net.Http.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Hosting;

/// <summary>The embedded default as a newcomer meets it: bootstrap files, readiness, and a restart that keeps everything.</summary>
public sealed class EmbeddedModeTests
{
    [Fact]
    public async Task First_start_writes_the_development_key_and_admin_token_without_logging_them()
    {
        using var directory = new TempDirectory();
        await using var app = new TryOnApp(directory.Path);
        using var client = app.CreateHttpClient();

        var keyFile = Path.Combine(directory.Path, "dev-api-key.txt");
        var tokenFile = Path.Combine(directory.Path, "admin-token.txt");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));

        using var merchant = app.CreateMerchantClient(app.DevelopmentApiKey);
        var credits = await (await merchant.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        Assert.Equal(100, credits.GetProperty("creditBalance").GetInt64());

        var logs = string.Join('\n', app.Logs);
        Assert.Contains(keyFile, logs, StringComparison.Ordinal);
        Assert.Contains(tokenFile, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(app.DevelopmentApiKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(app.AdminToken, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_data_directory_is_the_owners_alone_folders_0700_and_files_0600_those_of_an_older_version_included()
    {
        const UnixFileMode folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode file = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var directory = new TempDirectory();
        // As an earlier version (or the umask) left them: an open folder and a database readable by everyone.
        var open = folder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(directory.Path, open);
        var database = Path.Combine(directory.Path, "tryon.db");
        File.WriteAllBytes(database, []);
        File.SetUnixFileMode(database, file | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var app = new TryOnApp(directory.Path);
        using var merchant = app.CreateMerchantClient(app.DevelopmentApiKeyAfterStart());
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        form.Add(part, "file", "photo.png");
        await (await merchant.PostAsync("/tryon/v1/images/upload", form)).ShouldBeOkAsync();

        Assert.Equal(folder, File.GetUnixFileMode(directory.Path));
        var blobs = Path.Combine(directory.Path, "blobs");
        Assert.NotEmpty(Directory.GetFiles(blobs, "*", SearchOption.AllDirectories));
        Assert.All(Directory.GetDirectories(blobs, "*", SearchOption.AllDirectories).Append(blobs), path => Assert.True(
            File.GetUnixFileMode(path) == folder, $"{Path.GetRelativePath(directory.Path, path)} is {File.GetUnixFileMode(path)}"));
        string[] written = ["tryon.db", "tryon.db-wal", "tryon.db-shm", "dev-api-key.txt", "admin-token.txt", "file-signing-key.txt"];
        Assert.All(
            Directory.GetFiles(blobs, "*", SearchOption.AllDirectories).Concat(written.Select(name => Path.Combine(directory.Path, name))),
            path => Assert.True(File.GetUnixFileMode(path) == file, $"{Path.GetRelativePath(directory.Path, path)} is {File.GetUnixFileMode(path)}"));
    }

    [Fact]
    public async Task Configured_admin_token_is_used_and_no_token_file_is_written()
    {
        using var directory = new TempDirectory();
        await using var app = new TryOnApp(directory.Path, new Dictionary<string, string?> { ["Admin:Token"] = "operator-secret-0123456789" });
        using var admin = app.CreateAdminClient();

        await (await admin.GetAsync("/admin/v1/accounts")).ShouldBeOkAsync();
        Assert.False(File.Exists(Path.Combine(directory.Path, "admin-token.txt")));
    }

    [Fact]
    public async Task Health_endpoints_answer_without_a_key()
    {
        using var directory = new TempDirectory();
        await using var app = new TryOnApp(directory.Path);
        using var client = app.CreateHttpClient();

        var live = await (await client.GetAsync("/health/live")).ShouldBeOkAsync();
        Assert.Equal("healthy", live.GetProperty("status").GetString());
        var ready = await (await client.GetAsync("/health/ready")).ShouldBeOkAsync();
        Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("models").GetString());
    }

    [Fact]
    public async Task OpenAPI_document_and_reference_page_are_served()
    {
        using var directory = new TempDirectory();
        await using var app = new TryOnApp(directory.Path);
        using var client = app.CreateHttpClient();

        var document = await (await client.GetAsync("/openapi/v1.json")).ShouldBeOkAsync();
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/tryon/v1/account/credits", out _));
        Assert.True(paths.TryGetProperty("/admin/v1/accounts/{accountId}/keys", out _));
        Assert.True(paths.GetProperty("/tryon/v1/customers/{customerId}").TryGetProperty("delete", out _));
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("ApiKey", out _));

        // The stored image with its person analysis, on the upload's answer and on GET (ext).
        Assert.True(paths.GetProperty("/tryon/v1/images/{imageId}").TryGetProperty("get", out _));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.GetProperty("ImageResponse").GetProperty("properties").TryGetProperty("person", out _));
        Assert.Equal(
            ["box", "facingCamera", "found", "framing", "problem"],
            schemas.GetProperty("PersonSummary").GetProperty("properties").EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));

        var page = await client.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<script", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_keeps_accounts_keys_balances_and_the_bootstrap()
    {
        using var directory = new TempDirectory();
        string accountId, apiKey, revokedKey, developmentKey, adminToken;

        await using (var first = new TryOnApp(directory.Path))
        {
            using var admin = first.CreateAdminClient();
            var account = await (await admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Persistent shop", credits = 30, limits = new { writesPerMinute = 7 } }))
                .ShouldBeOkAsync(HttpStatusCode.Created);
            accountId = account.GetProperty("accountId").GetString()!;
            apiKey = (await (await admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "kept" })).ShouldBeOkAsync(HttpStatusCode.Created))
                .GetProperty("key").GetString()!;
            var revoked = await (await admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "revoked" })).ShouldBeOkAsync(HttpStatusCode.Created);
            revokedKey = revoked.GetProperty("key").GetString()!;
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/v1/accounts/{accountId}/keys/{revoked.GetProperty("keyId").GetString()}")).StatusCode);
            await (await admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/credits", new { amount = -4, reason = "used" })).ShouldBeOkAsync();
            developmentKey = first.DevelopmentApiKey;
            adminToken = first.AdminToken;
        }

        await using var second = new TryOnApp(directory.Path);
        using var restartedAdmin = second.CreateAdminClient();
        Assert.Equal(adminToken, second.AdminToken);
        Assert.Equal(developmentKey, second.DevelopmentApiKey);

        using var merchant = second.CreateMerchantClient(apiKey);
        var credits = await (await merchant.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        Assert.Equal(26, credits.GetProperty("creditBalance").GetInt64());

        using var revokedClient = second.CreateMerchantClient(revokedKey);
        await (await revokedClient.GetAsync("/tryon/v1/account/credits")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "INVALID_API_KEY");

        using var development = second.CreateMerchantClient(developmentKey);
        await (await development.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();

        var account2 = await (await restartedAdmin.GetAsync($"/admin/v1/accounts/{accountId}")).ShouldBeOkAsync();
        Assert.Equal(7, account2.GetProperty("limits").GetProperty("writesPerMinute").GetInt32());
        var listed = await (await restartedAdmin.GetAsync("/admin/v1/accounts")).ShouldBeOkAsync();
        Assert.Equal(2, listed.GetProperty("count").GetInt32());
        var ledger = await (await restartedAdmin.GetAsync($"/admin/v1/accounts/{accountId}/ledger")).ShouldBeOkAsync();
        Assert.Equal(2, ledger.GetProperty("count").GetInt32());
        var keys = await (await restartedAdmin.GetAsync($"/admin/v1/accounts/{accountId}/keys")).ShouldBeOkAsync();
        Assert.Equal(2, keys.GetProperty("count").GetInt32());
    }
}
