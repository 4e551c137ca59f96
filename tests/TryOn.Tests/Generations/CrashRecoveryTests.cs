using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Generations;

/// <summary>The service killed with SIGKILL while a generation runs: after a restart it still finishes, charged once.</summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task A_generation_interrupted_by_SIGKILL_completes_after_a_restart_and_is_charged_once()
    {
        using var directory = new TempDirectory();
        var settings = new Dictionary<string, string> { ["Engines__MockDuration"] = "00:00:20" };
        string generationId;
        await using (var first = await ServiceProcess.StartAsync(directory.Path, settings))
        {
            using var merchant = Client(first, directory.Path);
            generationId = await StartMockGenerationAsync(merchant);
            await Eventually.HoldsAsync(
                async () => (await StatusAsync(merchant, generationId)) == "PROCESSING",
                TimeSpan.FromSeconds(20),
                "the generation to be processing");
            await first.KillAsync();
        }

        await using var second = await ServiceProcess.StartAsync(directory.Path, new Dictionary<string, string> { ["Engines__MockDuration"] = "00:00:00.100" });
        using var client = Client(second, directory.Path);
        await Eventually.HoldsAsync(
            async () => (await StatusAsync(client, generationId)) == "COMPLETED",
            TimeSpan.FromSeconds(30),
            "the interrupted generation to complete after the restart");

        JsonElement credits = default;
        await Eventually.HoldsAsync(
            async () => (credits = await (await client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync()).GetProperty("reserved").GetInt64() == 0,
            TimeSpan.FromSeconds(10),
            "the reservation to be settled");
        Assert.Equal(99, credits.GetProperty("creditBalance").GetInt64());

        using var admin = new HttpClient { BaseAddress = second.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", File.ReadAllText(Path.Combine(directory.Path, "admin-token.txt")).Trim());
        var ledger = await (await admin.GetAsync("/admin/v1/accounts/acct_dev/ledger")).ShouldBeOkAsync();
        var kinds = ledger.GetProperty("items").EnumerateArray().Select(entry => entry.GetProperty("kind").GetString()).ToList();
        Assert.Equal(1, kinds.Count(kind => kind == "charge"));
        Assert.Equal(0, kinds.Count(kind => kind == "release"));
    }

    private static HttpClient Client(ServiceProcess service, string dataDirectory)
    {
        var client = new HttpClient { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.Add("x-api-key", File.ReadAllText(Path.Combine(dataDirectory, "dev-api-key.txt")).Trim());
        return client;
    }

    private static async Task<string> StartMockGenerationAsync(HttpClient merchant)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("""{"product": {"externalId": "crash-1", "title": "mock", "images": [{"fileKey": "g"}]}, "customer": {"fileKey": "me"}}"""), "data" },
        };
        var garment = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
        garment.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(garment, "g", "g.png");
        var me = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
        me.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(me, "me", "me.png");
        var started = await (await merchant.PostAsync("/tryon/v1/try-on", form)).ShouldBeOkAsync();
        return started.GetProperty("generationId").GetString()!;
    }

    private static async Task<string?> StatusAsync(HttpClient client, string generationId) =>
        (await (await client.GetAsync($"/tryon/v1/generations/{generationId}")).ShouldBeOkAsync()).GetProperty("status").GetString();
}
