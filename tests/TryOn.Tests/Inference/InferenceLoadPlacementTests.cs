using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Core.Internal;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;
using TryOn.Contracts;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Images;
using TryOn.Contracts.Inference;
using TryOn.Contracts.Products;
using TryOn.Grains.Accounts;
using TryOn.Grains.Engines;
using TryOn.Grains.Generations;
using TryOn.Grains.Generations.Admission;
using TryOn.Grains.Hosting;
using TryOn.Grains.Images;
using TryOn.Grains.Inference;
using TryOn.Grains.Products;
using TryOn.Storage.Blobs;
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

public sealed class QueueHandOffPlanTests
{
    private static readonly SiloAddress Self = SiloAddress.New(IPAddress.Loopback, 11111, 1);
    private static readonly SiloAddress Idle = SiloAddress.New(IPAddress.Loopback, 11112, 1);
    private static readonly SiloAddress Other = SiloAddress.New(IPAddress.Loopback, 11113, 1);

    private static ClusterInferenceLoad Reading(params (SiloAddress Silo, InferenceLoad Load)[] posts)
    {
        var load = new ClusterInferenceLoad();
        load.Update(posts.ToImmutableDictionary(post => post.Silo, post => post.Load));
        return load;
    }

    [Fact]
    public void Half_of_the_moves_that_even_out_the_work_per_slot_are_made_and_counted_until_the_next_reading()
    {
        // Self: 1 running and 9 waiting on one slot; Idle: nothing on one slot. Moves even out at 5 and 5; half go now.
        var load = Reading((Idle, new InferenceLoad(0, 0, 1)));
        var moves = load.PlanHandOffs(Self, new InferenceLoad(Waiting: 9, Running: 1, Slots: 1), [Self, Idle]);
        Assert.Equal(3, moves.Count);
        Assert.All(moves, move => Assert.Equal(Idle, move));

        // The three count on Idle until the next reading: with 7 here and 3 there, two moves even it out, one is made.
        Assert.Equal([Idle], load.PlanHandOffs(Self, new InferenceLoad(Waiting: 6, Running: 1, Slots: 1), [Self, Idle]));
        Assert.Empty(load.PlanHandOffs(Self, new InferenceLoad(Waiting: 4, Running: 1, Slots: 1), [Self, Idle]));
    }

    [Fact]
    public void A_free_slot_elsewhere_takes_a_single_waiting_generation_but_equal_work_moves_nothing()
    {
        Assert.Equal([Idle], Reading((Idle, new InferenceLoad(0, 0, 1))).PlanHandOffs(Self, new InferenceLoad(1, 1, 1), [Self, Idle]));
        Assert.Empty(Reading((Idle, new InferenceLoad(0, 1, 1))).PlanHandOffs(Self, new InferenceLoad(1, 1, 1), [Self, Idle]));
        Assert.Empty(Reading((Idle, new InferenceLoad(0, 0, 1))).PlanHandOffs(Self, new InferenceLoad(0, 1, 1), [Self, Idle]));
    }

    [Fact]
    public void Only_posted_live_silos_that_are_not_draining_receive_and_a_draining_silo_hands_nothing_off()
    {
        var load = Reading((Self, new InferenceLoad(8, 1, 1)), (Idle, new InferenceLoad(0, 0, 1, Draining: true)), (Other, new InferenceLoad(0, 0, 4)));
        var moves = load.PlanHandOffs(Self, new InferenceLoad(8, 1, 1), [Self, Idle, Other]);
        Assert.NotEmpty(moves);
        Assert.All(moves, move => Assert.Equal(Other, move));

        // Other is not in the membership's active list (dead, or not yet joined): nobody receives.
        Assert.Empty(Reading((Other, new InferenceLoad(0, 0, 4))).PlanHandOffs(Self, new InferenceLoad(8, 1, 1), [Self]));
        Assert.Empty(Reading((Other, new InferenceLoad(0, 0, 4))).PlanHandOffs(Self, new InferenceLoad(8, 1, 1, Draining: true), [Self, Other]));
    }

    [Fact]
    public void More_slots_receive_more()
    {
        // Self: 12 on 1 slot; Other: nothing on 4. Nine moves even it out (3 here, 9 there: 2.25 per slot); five are made.
        var moves = Reading((Other, new InferenceLoad(0, 0, 4))).PlanHandOffs(Self, new InferenceLoad(11, 1, 1), [Self, Other]);
        Assert.Equal(5, moves.Count);
    }
}

/// <summary>Two silos sharing one store; generations started through either spread over both schedulers.</summary>
public sealed class InferenceLoadPlacementTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    /// <summary>The engine for "tops" on both silos: attempts hold until it opens.</summary>
    private readonly Generations.GatedEngine _gate = new();

    /// <summary>The domain clock of both silos (attempt ages); Orleans keeps the real one.</summary>
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddTryOnGrains().UseEmbeddedStorage(_directory.Path);
            silo.Services.AddSingleton<ITryOnEngine>(_gate);
            silo.Services.AddKeyedSingleton<TimeProvider>(DomainClock.ServiceKey, _clock);
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

    /// <summary>An account with a product and a recorded shopper photo (by its image id).</summary>
    private async Task<(string AccountId, ProductSnapshot Product, string Shopper)> ProductAsync(string title)
    {
        var accountId = "acct_" + Guid.NewGuid().ToString("N");
        await _cluster.Client.GetGrain<IAccountGrain>(accountId).CreateAsync(new NewAccount("Shop", 20, new AccountLimitsPatch(null, null, 100), null));
        var blobs = _cluster.Silos[0].ServiceProvider.GetRequiredService<IBlobStore>();
        var now = DateTimeOffset.UtcNow;
        var imageId = ResourceIds.NewImageId(now);
        await blobs.WriteAsync($"{accountId}/images/{imageId}.png", new MemoryStream(TestImages.Read("person-astronaut.png")));
        await _cluster.Client.GetGrain<IImageGrain>(imageId).RecordAsync(
            new StoredImageRecord(imageId, accountId, $"{accountId}/images/{imageId}.png", "image/png", 512, 512, null, now, now.AddDays(7)));
        return (accountId, await AnotherProductAsync(accountId, title, "p-1"), imageId);
    }

    private async Task<ProductSnapshot> AnotherProductAsync(string accountId, string title, string externalId)
    {
        var blobs = _cluster.Silos[0].ServiceProvider.GetRequiredService<IBlobStore>();
        using var garment = TestImages.Solid(200, 240, 30, 90, 200);
        await blobs.WriteAsync($"{accountId}/products/{externalId}.png", new MemoryStream(TestImages.Png(garment)));
        return (await _cluster.Client.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, externalId)).UpsertAsync(new ProductUpsert(
            ProductKind.Catalog, title, null,
            [new ProductImageInput(null, "pimg_" + externalId, $"{accountId}/products/{externalId}.png", ImmutableDictionary<string, bool>.Empty.Add("flat_lay", true), ImmutableDictionary<string, bool>.Empty)],
            null, false, null, false, "tops"))).Product!;
    }

    private async Task<IGenerationGrain> StartAsync(string accountId, ProductSnapshot product, string imageId)
    {
        var generation = _cluster.Client.GetGrain<IGenerationGrain>("gen_" + Guid.NewGuid().ToString("N"));
        var admitted = await generation.AdmitAsync(
            new AdmissionRequest(accountId, new AdmittedProduct(product.ExternalId), new AdmittedShopper(imageId), null, Watermark: true, KeepForDays: 7));
        Assert.Null(admitted.Refusal);
        return generation;
    }

    /// <summary>Starts a generation whose grain is placed on <paramref name="silo"/> (a placement hint), whatever the load.</summary>
    private async Task<IGenerationGrain> StartOnAsync(SiloAddress silo, string accountId, ProductSnapshot product, string imageId)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            return await StartAsync(accountId, product, imageId);
        }
        finally
        {
            RequestContext.Clear();
        }
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

    [Fact]
    public async Task A_generation_whose_grain_is_collected_while_it_waits_and_woken_on_the_other_silo_runs_once()
    {
        var (accountId, first, shopper) = await ProductAsync("Tee");
        var second = await AnotherProductAsync(accountId, "Tee", "p-2");
        var third = await AnotherProductAsync(accountId, "Tee", "p-3");
        foreach (var product in new[] { first, second, third })
        {
            _gate.Hold(product.ExternalId);
        }

        await BothSilosOnTheBoardAsync();

        // One attempt holds each silo's only slot (placed one after the other, as above) and the third generation
        // waits in one silo's queue.
        var generations = new List<IGenerationGrain>();
        foreach (var product in new[] { first, second, third })
        {
            generations.Add(await StartAsync(accountId, product, shopper));
            await WaitForAsync(generations[^1], accountId, generations.Count <= 2 ? GenerationStatus.Processing : GenerationStatus.Pending);
            await SilosSeeAsync(generations.Count);
        }

        var waiting = generations[2];
        var queuedOn = Scheduler((await SiloOfAsync(waiting))!);
        Assert.Equal(1, queuedOn.QueuePositionOf(waiting.GetPrimaryKeyString()));

        // The other silo's attempt finishes, so that silo has a free slot and the least work.
        var otherSilo = _cluster.Silos.Single(silo => silo.ServiceProvider.GetRequiredService<InferenceScheduler>() != queuedOn).SiloAddress;
        var runningThere = await SiloOfAsync(generations[0]) == otherSilo ? generations[0] : generations[1];

        var runningHere = generations[0] == runningThere ? generations[1] : generations[0];
        _gate.Release(generations[0] == runningThere ? first.ExternalId : second.ExternalId);
        await WaitForAsync(runningThere, accountId, GenerationStatus.Completed);
        await SilosSeeAsync(2);

        // The waiting generation's grain moves to the silo with less work, whose scheduler does not hold it: it is
        // queued there and runs.
        Assert.Equal(otherSilo, await MoveAsync(waiting));
        await WaitForAsync(waiting, accountId, GenerationStatus.Processing);

        // The first silo's slot frees and takes the queued copy of the waiting generation: refused, it never reaches
        // the engine.
        _gate.Release(generations[0] == runningHere ? first.ExternalId : second.ExternalId);
        await WaitForAsync(runningHere, accountId, GenerationStatus.Completed);
        await Eventually.HoldsAsync(
            () => Task.FromResult(!queuedOn.IsQueuedOrRunning(waiting.GetPrimaryKeyString())),
            TimeSpan.FromSeconds(10),
            "the first silo's slot to take the queued copy");
        Assert.Equal(1, _gate.RunsOf(third.ExternalId));

        _gate.Release(third.ExternalId);
        await WaitForAsync(waiting, accountId, GenerationStatus.Completed);
        Assert.Equal([1, 1, 1], new[] { first, second, third }.Select(product => _gate.RunsOf(product.ExternalId)));
        Assert.Equal(new CreditBalance(17, 0), await _cluster.Client.GetGrain<IAccountGrain>(accountId).GetCreditsAsync());
    }

    [Fact]
    public async Task Generations_queued_on_one_silo_are_handed_to_the_silo_with_less_work_and_each_runs_once()
    {
        var (accountId, product, shopper) = await ProductAsync("Tee");
        _gate.Close();
        await BothSilosOnTheBoardAsync();

        // All four are placed on the first silo (as after the other silo died, or before it joined): one runs in its
        // only slot and three wait, while the second silo's slot is free.
        var crowded = _cluster.Silos[0].SiloAddress;
        var generations = new List<IGenerationGrain>();
        for (var i = 0; i < 4; i++)
        {
            generations.Add(await StartOnAsync(crowded, accountId, product, shopper));
        }

        // The first silo hands waiting generations over until both hold one running and one waiting.
        await Eventually.HoldsAsync(
            () => Task.FromResult(_cluster.Silos.All(silo => silo.ServiceProvider.GetRequiredService<InferenceScheduler>().CurrentLoad is { Running: 1, Waiting: 1 })),
            TimeSpan.FromSeconds(30),
            "both silos to run one generation and queue one");
        var silos = await Task.WhenAll(generations.Select(SiloOfAsync));
        Assert.Equal(2, silos.Count(silo => silo == crowded));

        _gate.Open();
        foreach (var generation in generations)
        {
            await WaitForAsync(generation, accountId, GenerationStatus.Completed);
        }

        Assert.Equal(4, _gate.RunsOf(product.ExternalId));
        Assert.Equal(new CreditBalance(16, 0), await _cluster.Client.GetGrain<IAccountGrain>(accountId).GetCreditsAsync());
    }

    [Fact]
    public async Task A_dead_silos_running_and_queued_generations_are_queued_again_on_the_live_silo_without_a_poll()
    {
        var (accountId, product, shopper) = await ProductAsync("Tee");
        _gate.Close();
        await BothSilosOnTheBoardAsync();

        // One runs on the first silo; one runs and one waits on the second (equal work per slot: nothing is handed off).
        var survivor = _cluster.Silos[0];
        var doomed = _cluster.Silos[1];
        var generations = new List<IGenerationGrain>();
        foreach (var silo in new[] { survivor, doomed, doomed })
        {
            generations.Add(await StartOnAsync(silo.SiloAddress, accountId, product, shopper));
        }

        await WaitForAsync(generations[1], accountId, GenerationStatus.Processing);
        Assert.Equal(new InferenceLoad(1, 1, 1), Scheduler(doomed.SiloAddress).CurrentLoad);

        // Nothing polls them: once the cluster declares the silo dead, the survivor asks every unfinished generation to
        // recover, and the dead silo's two are queued there (the periodic pass would wait until they are stale).
        await _cluster.KillSiloAsync(doomed);
        var scheduler = Scheduler(survivor.SiloAddress);
        await Eventually.HoldsAsync(
            () => Task.FromResult(generations.All(generation => scheduler.IsQueuedOrRunning(generation.GetPrimaryKeyString()))),
            TimeSpan.FromSeconds(60),
            "the dead silo's generations to be queued on the survivor");

        _gate.Open();
        foreach (var generation in generations)
        {
            await WaitForAsync(generation, accountId, GenerationStatus.Completed);
        }

        Assert.Equal(new CreditBalance(17, 0), await _cluster.Client.GetGrain<IAccountGrain>(accountId).GetCreditsAsync());
    }

    [Fact]
    public async Task A_stopping_silos_queued_generation_is_queued_on_the_other_silo_once_it_has_left_without_a_poll()
    {
        var (accountId, first, shopper) = await ProductAsync("Tee");
        var products = new List<ProductSnapshot> { first };
        for (var i = 2; i <= 4; i++)
        {
            products.Add(await AnotherProductAsync(accountId, "Tee", $"p-{i}"));
        }

        products.ForEach(product => _gate.Hold(product.ExternalId));
        await BothSilosOnTheBoardAsync();

        // Each silo runs one and queues one: equal work, nothing is handed off.
        var staying = _cluster.Silos[0];
        var stopping = _cluster.Silos[1];
        var generations = new List<IGenerationGrain>();
        foreach (var (product, silo) in products.Zip(new[] { staying, staying, stopping, stopping }))
        {
            generations.Add(await StartOnAsync(silo.SiloAddress, accountId, product, shopper));
        }

        await Eventually.HoldsAsync(
            () => Task.FromResult(_cluster.Silos.All(silo => silo.ServiceProvider.GetRequiredService<InferenceScheduler>().CurrentLoad is { Running: 1, Waiting: 1 })),
            TimeSpan.FromSeconds(10),
            "each silo to run one generation and queue one");

        // The stopping silo finishes its running attempt in the drain; its queued one is not started there, and once
        // the silo has left the cluster the survivor queues it.
        var stop = _cluster.StopSiloAsync(stopping);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        _gate.Release(products[2].ExternalId);
        await stop;
        var scheduler = Scheduler(staying.SiloAddress);
        await Eventually.HoldsAsync(
            () => Task.FromResult(scheduler.IsQueuedOrRunning(generations[3].GetPrimaryKeyString())),
            TimeSpan.FromSeconds(30),
            "the stopped silo's queued generation to be queued on the other silo");

        products.ForEach(product => _gate.Release(product.ExternalId));
        foreach (var generation in generations)
        {
            await WaitForAsync(generation, accountId, GenerationStatus.Completed);
        }

        Assert.Equal([1, 1, 1, 1], products.Select(product => _gate.RunsOf(product.ExternalId)));
    }

    [Fact]
    public async Task A_running_attempt_on_a_live_silo_is_left_to_it_until_its_deadline_has_passed()
    {
        var (accountId, product, shopper) = await ProductAsync("Tee");
        _gate.Hold(product.ExternalId);
        await BothSilosOnTheBoardAsync();
        var generation = await StartAsync(accountId, product, shopper);
        await WaitForAsync(generation, accountId, GenerationStatus.Processing);
        await SilosSeeAsync(1);

        // Its grain moves to the other silo (the one with less work) while its attempt still holds a slot: the attempt
        // is left to its silo, whatever recovery is asked.
        var movedTo = await MoveAsync(generation);
        await generation.RecoverAsync();
        Assert.False(Scheduler(movedTo).IsQueuedOrRunning(generation.GetPrimaryKeyString()));
        Assert.Equal(1, _gate.RunsOf(product.ExternalId));

        // Past its deadline by the domain clock (an attempt stuck beyond its deadline): recovery drives it again.
        _clock.Advance(new EngineOptions().AttemptDeadline + TimeSpan.FromSeconds(1));
        await generation.RecoverAsync();
        await Eventually.HoldsAsync(
            () => Task.FromResult(_gate.RunsOf(product.ExternalId) == 2),
            TimeSpan.FromSeconds(10),
            "recovery to drive the stuck attempt again");
        _gate.Release(product.ExternalId);
        await WaitForAsync(generation, accountId, GenerationStatus.Completed);
    }

    private InferenceScheduler Scheduler(SiloAddress silo) =>
        _cluster.Silos.Single(host => host.SiloAddress == silo).ServiceProvider.GetRequiredService<InferenceScheduler>();

    /// <summary>
    /// Moves the grain's activation as Orleans does when it rebalances (the same path as a collected grain woken by a
    /// poll: a new activation, placed by load, that does not remember what its scheduler holds); returns its new silo.
    /// </summary>
    private async Task<SiloAddress> MoveAsync(IGenerationGrain generation)
    {
        var from = await SiloOfAsync(generation);
        await generation.AsReference<IGrainManagementExtension>().MigrateOnIdle();
        SiloAddress? to = null;
        await Eventually.HoldsAsync(
            async () => (to = await SiloOfAsync(generation)) is { } silo && silo != from,
            TimeSpan.FromSeconds(10),
            "the grain to move to the other silo");
        return to!;
    }

    /// <summary>Where the grain's activation is, from the silos' own lists (not a directory cache).</summary>
    private async Task<SiloAddress?> SiloOfAsync(IGenerationGrain generation)
    {
        var activations = await _cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return activations.FirstOrDefault(activation => activation.GrainId == generation.GetGrainId())?.SiloAddress;
    }

    private Task BothSilosOnTheBoardAsync() => Eventually.HoldsAsync(
        () => Task.FromResult(_cluster.Silos.All(silo => silo.ServiceProvider.GetRequiredService<ClusterInferenceLoad>().Loads.Count == 2)),
        TimeSpan.FromSeconds(10),
        "both silos to be on the load board");

    private Task SilosSeeAsync(int generations) => Eventually.HoldsAsync(
        () => Task.FromResult(_cluster.Silos.All(silo => silo.ServiceProvider.GetRequiredService<ClusterInferenceLoad>().Loads.Values.Sum(load => load.Running + load.Waiting) == generations)),
        TimeSpan.FromSeconds(10),
        $"every silo to see {generations} generations at work");
}
