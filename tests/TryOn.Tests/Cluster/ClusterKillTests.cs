using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Cluster;

/// <summary>
/// The cluster's promise: losing a silo loses no generation and no credit. A stream of generations goes through
/// both API processes; one silo is killed with SIGKILL while they run; every generation still ends COMPLETED or
/// FAILED, each credit is settled exactly once, and the API keeps answering.
/// </summary>
[Collection(ClusterCollection.Name)]
public class ClusterKillTests(ClusterFixture cluster)
{
    private const int Credits = 50;
    private const int Generations = 30;

    [Fact]
    public async Task Killing_a_silo_under_load_loses_no_generation_and_no_credit()
    {
        // The photo goes through one API process, the product through the other: both share the blob store.
        var shop = await cluster.CreateShopAsync("Cluster shop", Credits);
        var (accountId, key) = (shop.AccountId, shop.Key);
        using var admin = cluster.Client(cluster.Apis[0], admin: true);
        using var first = cluster.Client(cluster.Apis[0], key);
        using var second = cluster.Client(cluster.Apis[1], key);

        // Behind a load balancer a link starts with its origin, whichever gateway answered.
        Assert.StartsWith($"{ClusterFixture.PublicBaseUrl}/files/", shop.ImageUrl, StringComparison.Ordinal);
        var request = shop.TryOnRequest;
        var accepted = new List<string>();
        for (var i = 0; i < Generations; i++)
        {
            if (i == Generations / 3)
            {
                // The placement spreads generations, so the silo about to die holds some of them.
                Assert.True(await HeldWorkAsync(cluster.Silos[0]) > 0, "the silo to be killed holds no generation");
                await cluster.Silos[0].KillAsync();
            }

            // Like a merchant's client: a 5xx while the cluster notices the dead silo is retried after a pause.
            var client = i % 2 == 0 ? first : second;
            for (var attempt = 0; attempt < 40; attempt++)
            {
                using var response = await client.PostAsJsonAsync("/tryon/v1/try-on", request);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    accepted.Add(body.GetProperty("generationId").GetString()!);
                    break;
                }

                // Refused, but answered: with our envelope and a server-side status.
                Assert.True(body.TryGetProperty("code", out _) && (int)response.StatusCode >= 500, $"unexpected answer {(int)response.StatusCode}: {body}");
                await Task.Delay(500);
            }
        }

        Assert.Equal(Generations, accepted.Count);

        // Every accepted generation reaches a terminal state, polled through both API processes.
        var outcomes = new Dictionary<string, string>();
        foreach (var (generationId, index) in accepted.Select((id, index) => (id, index)))
        {
            var client = index % 2 == 0 ? second : first;
            await Eventually.HoldsAsync(
                async () =>
                {
                    using var response = await client.GetAsync($"/tryon/v1/generations/{generationId}");
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        return false;
                    }

                    var status = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!;
                    outcomes[generationId] = status;
                    return status is "COMPLETED" or "FAILED";
                },
                TimeSpan.FromSeconds(90),
                $"generation {generationId} to finish after the silo was killed");
        }

        // Credits, from the ledger: every reservation settled at most once, every accepted generation exactly once
        // and as its outcome says. A try-on refused half-way may leave a reservation open; the reconciliation
        // releases it later (after its grace period), so it is counted as reserved, never lost.
        List<JsonElement> ledger = [];
        await Eventually.HoldsAsync(
            async () =>
            {
                ledger = [.. (await (await admin.GetAsync($"/admin/v1/accounts/{accountId}/ledger?limit=200")).ShouldBeOkAsync()).GetProperty("items").EnumerateArray()];
                return accepted.All(id => ledger.Any(entry => entry.GetProperty("reference").GetString() == id && entry.GetProperty("kind").GetString() is "charge" or "release"));
            },
            TimeSpan.FromSeconds(30),
            "every accepted generation's credit to be settled");
        var reservations = ledger.Where(entry => entry.GetProperty("kind").GetString() == "reservation").Select(entry => entry.GetProperty("reference").GetString()!).ToList();
        Assert.Equal(reservations.Count, reservations.Distinct().Count());
        var open = 0;
        foreach (var generationId in reservations)
        {
            var settlements = ledger.Where(entry => entry.GetProperty("reference").GetString() == generationId && entry.GetProperty("kind").GetString() is "charge" or "release").ToList();
            Assert.True(settlements.Count <= 1, $"generation {generationId} was settled {settlements.Count} times");
            if (accepted.Contains(generationId))
            {
                var settlement = Assert.Single(settlements);
                Assert.Equal(outcomes[generationId] == "COMPLETED" ? "charge" : "release", settlement.GetProperty("kind").GetString());
            }
            else
            {
                open += 1 - settlements.Count;
            }
        }

        var charged = ledger.Count(entry => entry.GetProperty("kind").GetString() == "charge");
        Assert.Equal(outcomes.Values.Count(status => status == "COMPLETED"), charged);
        var credits = await (await first.GetAsync("/tryon/v1/account/credits")).ShouldBeOkAsync();
        Assert.Equal((Credits - charged - open, open), (credits.GetProperty("creditBalance").GetInt64(), credits.GetProperty("reserved").GetInt64()));

        // The surviving silo did the work that was left.
        Assert.True(await HeldWorkAsync(cluster.Silos[1]) > 0);
    }

    [Fact]
    public async Task An_Idempotency_Key_holds_across_the_gateways()
    {
        var shop = await cluster.CreateShopAsync("Idempotent shop", 5);
        using var first = cluster.Client(cluster.Apis[0], shop.Key);
        using var second = cluster.Client(cluster.Apis[1], shop.Key);
        var answers = new List<JsonElement>();
        foreach (var client in new[] { first, second })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/tryon/v1/try-on") { Content = JsonContent.Create(shop.TryOnRequest) };
            request.Headers.Add("Idempotency-Key", "cart-7");
            using var response = await client.SendAsync(request);
            answers.Add(await response.ShouldBeOkAsync());
        }

        Assert.Equal(answers[0].GetProperty("generationId").GetString(), answers[1].GetProperty("generationId").GetString());
        await Eventually.HoldsAsync(
            async () => (await (await second.GetAsync(new Uri("/tryon/v1/account/credits", UriKind.Relative))).ShouldBeOkAsync()) is var credits
                && credits.GetProperty("creditBalance").GetInt64() == 4 && credits.GetProperty("reserved").GetInt64() == 0,
            TimeSpan.FromSeconds(30),
            "one credit to be charged");
    }

    [Fact]
    public async Task Two_API_processes_enforce_one_request_budget_per_account()
    {
        using var admin = cluster.Client(cluster.Apis[1], admin: true);
        var account = await (await admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Budget shop", limits = new { writesPerMinute = 20 } }))
            .ShouldBeOkAsync(HttpStatusCode.Created);
        var accountId = account.GetProperty("accountId").GetString()!;
        var keys = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            keys.Add((await (await admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = $"k{i}" })).ShouldBeOkAsync(HttpStatusCode.Created))
                .GetProperty("key").GetString()!);
        }

        // Two keys on two API processes, alternating: one budget of 20 writes (the burst) plus what refills meanwhile.
        using var first = cluster.Client(cluster.Apis[0], keys[0]);
        using var second = cluster.Client(cluster.Apis[1], keys[1]);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var admitted = 0;
        for (var i = 0; i < 60; i++)
        {
            using var response = await (i % 2 == 0 ? first : second).DeleteAsync("/tryon/v1/products/none");
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
                admitted++;
            }
        }

        var refilled = (int)Math.Floor(started.Elapsed.TotalMinutes * 20);
        Assert.InRange(admitted, 20, 20 + refilled);
    }

    /// <summary>Generations a silo is holding or has run, from its metrics endpoint: waiting, running, attempts begun.</summary>
    private static async Task<double> HeldWorkAsync(ServiceProcess silo)
    {
        var metrics = await PrometheusText.ScrapeAsync(silo.BaseAddress);
        return new[] { "tryon_inference_queue_depth", "tryon_inference_slots_busy", "tryon_inference_attempts_total" }
            .Sum(name => metrics.GetValueOrDefault(name));
    }
}

/// <summary>The same cluster on the Azure Storage profile: Orleans' membership, grain state and reminders on Azurite's table service.</summary>
public sealed class AzureTablesClusterFixture : ClusterFixture
{
    protected override bool OnAzureTables => true;
}

[CollectionDefinition(Name)]
public sealed class AzureTablesClusterCollection : ICollectionFixture<AzureTablesClusterFixture>
{
    public const string Name = "cluster-azure-tables";
}

/// <summary>Every promise of <see cref="ClusterKillTests"/>, kept on the Azure Storage profile.</summary>
[Collection(AzureTablesClusterCollection.Name)]
public sealed class AzureTablesClusterKillTests(AzureTablesClusterFixture cluster) : ClusterKillTests(cluster)
{
    [Fact]
    public async Task Silos_and_gateways_are_ready_only_with_table_storage_answering()
    {
        // The kill test of this class may have run first and left Silos[0] dead; the others must be up.
        var running = cluster.Silos.Concat(cluster.Apis).Where(process => !process.HasExited).ToList();
        Assert.True(running.Count >= 3, "fewer than three of the cluster's processes are running");
        foreach (var process in running)
        {
            using var client = new HttpClient { BaseAddress = process.BaseAddress };
            using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            var ready = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("tables").GetString());
        }
    }
}
