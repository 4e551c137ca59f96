using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TryOn.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TryOn.Tests.Generations;

/// <summary>
/// The embedded service SIGKILLed twice while concurrent clients send try-ons and polls, restarted on the same data
/// each time: no accepted generation is lost, every one ends, and the ledger settles every credit exactly once,
/// including those of try-ons the kill cut off before they were answered.
/// </summary>
public sealed class CrashUnderLoadTests(ITestOutputHelper output)
{
    private const int Workers = 6;
    private const int Credits = 1_000;

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Engines__MockDuration"] = "00:00:00.300",
        ["Engines__Slots"] = "2",
        ["Engines__QueueCapacity"] = "10000",
        // Reservations left by try-ons cut off mid-admission are reconciled at the first sweep after a restart.
        ["Engines__ReservationGrace"] = "00:00:01",
    };

    [Fact]
    public async Task Generations_accepted_before_a_SIGKILL_under_load_all_finish_and_are_charged_once()
    {
        using var directory = new TempDirectory();
        var accepted = new ConcurrentDictionary<string, bool>();
        var unanswered = 0;
        var sent = 0;
        ServiceProcess service = await ServiceProcess.StartAsync(directory.Path, Settings);
        try
        {
            var (imageId, accountCredits) = await PrepareAsync(service, directory.Path);
            Assert.Equal(Credits, accountCredits);

            for (var round = 0; round < 2; round++)
            {
                // Load from several clients until enough generations are waiting and running, then the kill.
                using var stop = new CancellationTokenSource();
                var acceptedBefore = accepted.Count;
                var load = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
                {
                    using var merchant = Merchant(service, directory.Path);
                    for (var i = 0; !stop.IsCancellationRequested && i < 200; i++)
                    {
                        Interlocked.Increment(ref sent);
                        try
                        {
                            if (i % 3 == 2 && !accepted.IsEmpty)
                            {
                                using var poll = await merchant.GetAsync($"/tryon/v1/generations/{accepted.Keys.First()}");
                                continue;
                            }

                            using var response = await merchant.PostAsJsonAsync("/tryon/v1/try-on", TryOnBody(imageId));
                            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                            accepted[body.GetProperty("generationId").GetString()!] = true;
                        }
                        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
                        {
                            // Cut off by the kill: the try-on may or may not have been stored.
                            Interlocked.Increment(ref unanswered);
                            return;
                        }
                    }
                })).ToList();

                await Eventually.HoldsAsync(() => Task.FromResult(accepted.Count >= acceptedBefore + 25), TimeSpan.FromSeconds(60), "25 more try-ons to be accepted");
                await service.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll(load);
                await service.DisposeAsync();
                service = await ServiceProcess.StartAsync(directory.Path, Settings);
            }

            output.WriteLine($"{sent} requests sent by {Workers} workers, {accepted.Count} try-ons accepted, {unanswered} cut off by the two kills");

            // Every accepted generation is still there and ends.
            using var client = Merchant(service, directory.Path);
            var outcomes = new Dictionary<string, string>();
            foreach (var generationId in accepted.Keys)
            {
                await Eventually.HoldsAsync(
                    async () =>
                    {
                        var generation = await (await client.GetAsync($"/tryon/v1/generations/{generationId}")).ShouldBeOkAsync();
                        outcomes[generationId] = generation.GetProperty("status").GetString()!;
                        return outcomes[generationId] is "COMPLETED" or "FAILED";
                    },
                    TimeSpan.FromSeconds(90),
                    $"generation {generationId} to finish after the restarts");
            }

            // The ledger: one reservation per id, and every reservation (accepted or cut off) settled exactly once,
            // accepted ones as their outcome says; nothing left reserved; the balance is what the charges left.
            using var admin = Admin(service, directory.Path);
            List<JsonElement> ledger = [];
            await Eventually.HoldsAsync(
                async () =>
                {
                    // The ledger is the read model: a copy that may trail the account by an outbox retry.
                    var credits = await (await client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
                    ledger = await LedgerAsync(admin);
                    var settled = ledger.Where(entry => Kind(entry) is "charge" or "release").Select(Reference).ToHashSet();
                    return credits.GetProperty("reserved").GetInt64() == 0
                        && accepted.Keys.All(settled.Contains)
                        && ledger.Where(entry => Kind(entry) == "reservation").All(entry => settled.Contains(Reference(entry)));
                },
                TimeSpan.FromSeconds(90),
                "every reservation to be settled, in the account and in its ledger");

            var reservations = ledger.Where(entry => Kind(entry) == "reservation").Select(Reference).ToList();
            Assert.Equal(reservations.Count, reservations.Distinct().Count());
            var unreserved = accepted.Keys.Except(reservations).ToList();
            Assert.True(unreserved.Count == 0, $"{unreserved.Count} accepted generations have no reservation in the ledger of {ledger.Count} entries, e.g. {unreserved.FirstOrDefault()} with entries [{string.Join("; ", ledger.Where(entry => Reference(entry) == unreserved.FirstOrDefault()).Select(entry => entry.GetRawText()))}]; sequences {ledger.Min(entry => entry.GetProperty("sequence").GetInt64())}..{ledger.Max(entry => entry.GetProperty("sequence").GetInt64())}");
            foreach (var generationId in reservations)
            {
                var settlement = Assert.Single(ledger, entry => Reference(entry) == generationId && Kind(entry) is "charge" or "release");
                if (outcomes.TryGetValue(generationId, out var outcome))
                {
                    Assert.Equal(outcome == "COMPLETED" ? "charge" : "release", Kind(settlement));
                }
            }

            var charged = ledger.Count(entry => Kind(entry) == "charge");
            var final = await (await client.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
            Assert.Equal(Credits - charged, final.GetProperty("creditBalance").GetInt64());
            output.WriteLine(
                $"{reservations.Count} reservations ({reservations.Count - accepted.Count} from cut-off requests), {charged} charged, " +
                $"{ledger.Count(entry => Kind(entry) == "release")} released, {outcomes.Values.Count(status => status == "COMPLETED")} completed, " +
                $"{outcomes.Values.Count(status => status == "FAILED")} failed; balance {final.GetProperty("creditBalance").GetInt64()}");
        }
        finally
        {
            await service.DisposeAsync();
        }
    }

    private static async Task<(string ImageId, long Credits)> PrepareAsync(ServiceProcess service, string dataDirectory)
    {
        using var admin = Admin(service, dataDirectory);
        await (await admin.PatchAsJsonAsync("/admin/v1/accounts/acct_dev", new { limits = new { writesPerMinute = 100_000, readsPerMinute = 1_000_000, maxInFlightGenerations = 10_000 } })).ShouldBeOkAsync();
        var before = await (await admin.GetAsync("/admin/v1/accounts/acct_dev")).ShouldBeOkAsync();
        var grant = Credits - before.GetProperty("creditBalance").GetInt64();
        await (await admin.PostAsJsonAsync("/admin/v1/accounts/acct_dev/credits", new { amount = grant, reason = "crash test" })).ShouldBeOkAsync();

        using var merchant = Merchant(service, dataDirectory);
        using var product = new MultipartFormDataContent
        {
            { new StringContent("""{"externalId": "crash-mock", "title": "mock", "images": [{"source": {"fileKey": "g"}}]}"""), "data" },
            { Png(), "g", "g.png" },
        };
        await (await merchant.PostAsync("/tryon/v1/products", product)).ShouldBeOkAsync();
        using var upload = new MultipartFormDataContent { { Png(), "file", "me.png" } };
        var image = await (await merchant.PostAsync("/tryon/v1/images/upload", upload)).ShouldBeOkAsync();
        var credits = await (await merchant.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        return (image.GetProperty("imageId").GetString()!, credits.GetProperty("creditBalance").GetInt64());
    }

    private static ByteArrayContent Png()
    {
        var content = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    private static object TryOnBody(string imageId) =>
        new { products = new[] { new { externalId = "crash-mock" } }, person = new { image = new { source = new { id = imageId } } } };

    private static async Task<List<JsonElement>> LedgerAsync(HttpClient admin)
    {
        var entries = new List<JsonElement>();
        for (string? cursor = null; ;)
        {
            var page = await (await admin.GetAsync("/admin/v1/accounts/acct_dev/ledger?limit=100" + (cursor is null ? "" : "&cursor=" + cursor))).ShouldBeOkAsync();
            entries.AddRange(page.GetProperty("items").EnumerateArray());
            if (page.GetProperty("nextCursor").ValueKind != JsonValueKind.String)
            {
                return entries;
            }

            cursor = page.GetProperty("nextCursor").GetString();
        }
    }

    private static string Kind(JsonElement entry) => entry.GetProperty("kind").GetString()!;

    private static string Reference(JsonElement entry) => entry.GetProperty("reference").GetString() ?? "";

    private static HttpClient Merchant(ServiceProcess service, string dataDirectory)
    {
        var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("x-api-key", File.ReadAllText(Path.Combine(dataDirectory, "dev-api-key.txt")).Trim());
        return client;
    }

    private static HttpClient Admin(ServiceProcess service, string dataDirectory)
    {
        var client = new HttpClient { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", File.ReadAllText(Path.Combine(dataDirectory, "admin-token.txt")).Trim());
        return client;
    }
}
