using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using TryOn.Grains.Accounts;
using TryOn.Grains.Engines;
using TryOn.Grains.Generations;
using TryOn.Grains.Hosting;
using TryOn.Grains.Inference;
using TryOn.Grains.Products;
using TryOn.Grains.Storage;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Inference;

public sealed class ClusterInferenceLoadTests
{
    private static readonly SiloAddress Busy = SiloAddress.New(IPAddress.Loopback, 11111, 1);
    private static readonly SiloAddress Idle = SiloAddress.New(IPAddress.Loopback, 11112, 1);
    private static readonly SiloAddress Big = SiloAddress.New(IPAddress.Loopback, 11113, 1);

    [Fact]
    public void The_silo_with_the_least_work_per_slot_is_chosen_and_placements_count_until_the_next_reading()
    {
        var load = new ClusterInferenceLoad();
        load.Update(ImmutableDictionary<SiloAddress, InferenceLoad>.Empty
            .Add(Busy, new InferenceLoad(Waiting: 6, Running: 2, Slots: 2))
            .Add(Idle, new InferenceLoad(Waiting: 0, Running: 0, Slots: 2)));

        // Idle takes work until it has as much per slot as Busy (4 per slot): eight placements.
        var choices = Enumerable.Range(0, 8).Select(_ => load.Choose([Busy, Idle], new Random(1))).ToList();
        Assert.All(choices, choice => Assert.Equal(Idle, choice));
        var next = Enumerable.Range(0, 2).Select(_ => load.Choose([Busy, Idle], new Random(1))).ToHashSet();
        Assert.Equal([Busy, Idle], next.OrderBy(silo => silo.Endpoint.Port));

        // A new reading replaces the counts.
        load.Update(ImmutableDictionary<SiloAddress, InferenceLoad>.Empty
            .Add(Busy, new InferenceLoad(0, 0, 1))
            .Add(Idle, new InferenceLoad(5, 1, 2)));
        Assert.Equal(Busy, load.Choose([Busy, Idle], new Random(1)));
    }

    [Fact]
    public void More_slots_take_more_work_a_silo_that_never_posted_comes_after_those_that_did_and_a_draining_one_last()
    {
        var load = new ClusterInferenceLoad();
        load.Update(ImmutableDictionary<SiloAddress, InferenceLoad>.Empty
            .Add(Busy, new InferenceLoad(3, 1, 1))
            .Add(Big, new InferenceLoad(3, 1, 8)));
        Assert.Equal(Big, load.Choose([Busy, Big], new Random(2)));
        Assert.Equal(Big, load.Choose([Busy, Big, Idle], new Random(2)));
        Assert.Equal(Idle, load.Choose([Idle], new Random(2)));

        load.Update(ImmutableDictionary<SiloAddress, InferenceLoad>.Empty
            .Add(Busy, new InferenceLoad(50, 1, 1))
            .Add(Big, new InferenceLoad(0, 0, 8, Draining: true)));
        Assert.Equal(Busy, load.Choose([Busy, Big, Idle], new Random(2)));
        Assert.Equal(Idle, load.Choose([Big, Idle], new Random(2)));
        Assert.Equal(Big, load.Choose([Big], new Random(2)));
    }
}

/// <summary>Two silos sharing one store; generations started through either spread over both schedulers.</summary>
public sealed class InferenceLoadPlacementTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    /// <summary>The engine for "tops" on both silos: attempts hold until it opens.</summary>
    private readonly Generations.GatedEngine _gate = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddTryOnGrains().UseEmbeddedStorage(_directory.Path);
            silo.Services.AddSingleton<ITryOnEngine>(_gate);
            silo.Services.Configure<EngineOptions>(options =>
            {
                options.MockDuration = TimeSpan.FromMilliseconds(1500);
                options.Slots = 1;
                options.DrainTimeout = TimeSpan.FromSeconds(20);
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        _gate.Open();
        await _cluster.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<(string AccountId, ProductSnapshot Product, ShopperImage Shopper)> ProductAsync(string title)
    {
        var grains = _cluster.Client;
        var accountId = "acct_" + Guid.NewGuid().ToString("N");
        await grains.GetGrain<IAccountGrain>(accountId).CreateAsync(new NewAccount("Shop", 20, new AccountLimitsPatch(null, null, 100), null));
        var blobs = _cluster.Silos[0].ServiceProvider.GetRequiredService<IBlobStore>();
        await blobs.WriteAsync($"{accountId}/images/img_1.png", new MemoryStream(TestImages.Read("person-astronaut.png")));
        using var garment = TestImages.Solid(200, 240, 30, 90, 200);
        await blobs.WriteAsync($"{accountId}/products/g.png", new MemoryStream(TestImages.Png(garment)));
        var product = (await grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, "p-1")).UpsertAsync(new ProductUpsert(
            ProductKind.Catalog, title, null,
            [new ProductImageInput(null, "pimg_1", $"{accountId}/products/g.png", ImmutableDictionary<string, bool>.Empty.Add("flat_lay", true), ImmutableDictionary<string, bool>.Empty)],
            null, false, null, false, "tops"))).Product!;
        return (accountId, product, new ShopperImage($"{accountId}/images/img_1.png", "img_1", null));
    }

    private async Task<IGenerationGrain> StartAsync(string accountId, ProductSnapshot product, ShopperImage shopper)
    {
        var id = "gen_" + Guid.NewGuid().ToString("N");
        Assert.True((await _cluster.Client.GetGrain<IAccountGrain>(accountId).ReserveCreditAsync(id)).Holds);
        var generation = _cluster.Client.GetGrain<IGenerationGrain>(id);
        Assert.Equal(GenerationStartStatus.Accepted, (await generation.StartAsync(new GenerationRequest(accountId, product, shopper, 7))).Status);
        return generation;
    }

    private static async Task WaitForAsync(IGenerationGrain generation, string accountId, GenerationStatus status)
    {
        GenerationView? last = null;
        try
        {
            await Eventually.HoldsAsync(
                async () => (last = (await generation.FindAsync(accountId)).Generation!).Status == status,
                TimeSpan.FromSeconds(30),
                $"the generation to be {status}");
        }
        catch (Xunit.Sdk.XunitException)
        {
            Assert.Fail($"the generation is {last?.Status} ({last?.ErrorCode}: {last?.ErrorMessage}), not {status}");
        }
    }

    private long[] Attempts() =>
        [.. _cluster.Silos.Select(silo => silo.ServiceProvider.GetRequiredService<InferenceScheduler>().CompletedAttempts)];

    [Fact]
    public async Task A_burst_of_generations_runs_on_both_silos()
    {
        _gate.Open();
        var (accountId, product, shopper) = await ProductAsync("mock");

        // Silos that have not posted their load yet rank last, so the burst starts once both are on the board.
        await Eventually.HoldsAsync(
            () => Task.FromResult(_cluster.Silos.All(silo => silo.ServiceProvider.GetRequiredService<ClusterInferenceLoad>().Loads.Count == 2)),
            TimeSpan.FromSeconds(10),
            "both silos to be on the load board");
        var generations = new List<IGenerationGrain>();
        for (var i = 0; i < 6; i++)
        {
            generations.Add(await StartAsync(accountId, product, shopper));
        }

        foreach (var generation in generations)
        {
            await WaitForAsync(generation, accountId, GenerationStatus.Completed);
        }

        var attempts = Attempts();
        Assert.Equal(6, attempts.Sum());
        Assert.All(attempts, count => Assert.InRange(count, 2, 4));
    }

    [Fact]
    public async Task A_silo_that_stops_finishes_its_running_attempts_before_it_goes()
    {
        var (accountId, product, shopper) = await ProductAsync("Tee");
        _gate.Close();

        // The second generation is started once every silo has read the first one's load from the board, so it is
        // placed on the other silo.
        var generations = new List<IGenerationGrain>();
        for (var i = 1; i <= 2; i++)
        {
            var generation = await StartAsync(accountId, product, shopper);
            await WaitForAsync(generation, accountId, GenerationStatus.Processing);
            generations.Add(generation);
            await Eventually.HoldsAsync(
                () => Task.FromResult(_cluster.Silos.All(silo => silo.ServiceProvider.GetRequiredService<ClusterInferenceLoad>().Loads.Values.Sum(load => load.Running) == generations.Count)),
                TimeSpan.FromSeconds(10),
                "every silo to see the running generations");
        }

        // One attempt holds on each silo (the placement spreads them); one silo stops while its attempt runs, and
        // the attempt may finish during the drain.
        Assert.All(_cluster.Silos, silo => Assert.Equal(1, silo.ServiceProvider.GetRequiredService<InferenceScheduler>().CurrentLoad.Running));
        var stopping = _cluster.StopSiloAsync(_cluster.Silos[1]);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        _gate.Open();
        await stopping;

        // Its attempt finished there instead of being abandoned and run again on the remaining silo.
        foreach (var generation in generations)
        {
            await WaitForAsync(generation, accountId, GenerationStatus.Completed);
        }

        Assert.Equal([1L], Attempts());
    }
}
