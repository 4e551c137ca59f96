using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Core.Internal;
using Orleans.TestingHost;
using TryOn.Contracts;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Ids;
using TryOn.Contracts.Images;
using TryOn.Contracts.Paging;
using TryOn.Contracts.Products;
using TryOn.Grains.Accounts;
using TryOn.Grains.Engines;
using TryOn.Grains.Generations;
using TryOn.Grains.Generations.Admission;
using TryOn.Grains.Hosting;
using TryOn.Grains.Images;
using TryOn.Grains.Products;
using TryOn.Pipeline.Images;
using TryOn.Storage.Blobs;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Generations;

/// <summary>An engine for the "tops" category that holds every run until the test opens its gate.</summary>
public sealed class GatedEngine : ITryOnEngine
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _runs = new(StringComparer.Ordinal);
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "gated";

    public IReadOnlySet<string> Categories { get; } = new HashSet<string> { "tops" };

    public IReadOnlyList<string> RequiredClassifications { get; } = ["flat_lay"];

    /// <summary>Lets every attempt through, the held products' included.</summary>
    public void Open()
    {
        _gate.TrySetResult();
        foreach (var held in _held.Values)
        {
            held.TrySetResult();
        }
    }

    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Attempts for this product wait, whatever the shared gate does, until <see cref="Release"/>.</summary>
    public void Hold(string productExternalId) => _held[productExternalId] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string productExternalId) => _held[productExternalId].TrySetResult();

    /// <summary>Attempts that reached the engine for this product, on every silo.</summary>
    public int RunsOf(string productExternalId) => _runs.GetValueOrDefault(productExternalId);

    public async Task<RgbImage> RunAsync(EngineInput input, IProgress<double> progress, CancellationToken cancellationToken)
    {
        _runs.AddOrUpdate(input.Product.ExternalId, 1, (_, runs) => runs + 1);
        progress.Report(0.4);
        var gate = _held.TryGetValue(input.Product.ExternalId, out var held) ? held : _gate;
        await gate.Task.WaitAsync(cancellationToken);
        return new RgbImage(Enumerable.Repeat((byte)128, 3 * 64 * 64).ToArray(), 64, 64);
    }
}

/// <summary>The silo's generations read model, counting the rows it is asked to write.</summary>
public sealed class CountingGenerationReadModel(IGenerationReadModel inner) : IGenerationReadModel
{
    private readonly ConcurrentDictionary<string, int> _upserts = new(StringComparer.Ordinal);

    public int UpsertsOf(string generationId) => _upserts.GetValueOrDefault(generationId);

    public Task<GenerationView?> FindAsync(string accountId, string generationId, CancellationToken cancellationToken = default) =>
        inner.FindAsync(accountId, generationId, cancellationToken);

    public Task UpsertAsync(GenerationRecord record, CancellationToken cancellationToken = default)
    {
        _upserts.AddOrUpdate(record.Generation.GenerationId, 1, (_, count) => count + 1);
        return inner.UpsertAsync(record, cancellationToken);
    }

    public Task<long?> VersionOfAsync(string generationId, CancellationToken cancellationToken = default) => inner.VersionOfAsync(generationId, cancellationToken);

    public Task<Page<GenerationView>> ListAsync(string accountId, GenerationStatus? status, PageRequest page, CancellationToken cancellationToken = default) =>
        inner.ListAsync(accountId, status, page, cancellationToken);

    public Task<ProductGenerationStats> StatsAsync(string accountId, string productExternalId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default) =>
        inner.StatsAsync(accountId, productExternalId, from, to, cancellationToken);

    public Task<IReadOnlyList<GenerationDay>> DailyAsync(string accountId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        inner.DailyAsync(accountId, from, to, cancellationToken);

    public Task<IReadOnlyList<string>> ListUnfinishedAsync(DateTimeOffset changedBefore, int limit, CancellationToken cancellationToken = default) =>
        inner.ListUnfinishedAsync(changedBefore, limit, cancellationToken);

    public Task<IReadOnlyList<string>> ListByExternalUserAsync(string accountId, string externalUserId, string? afterGenerationId, int limit, CancellationToken cancellationToken = default) =>
        inner.ListByExternalUserAsync(accountId, externalUserId, afterGenerationId, limit, cancellationToken);

    public Task<Page<string>> ListFilesExpiredAsync(DateTimeOffset now, PageRequest page, CancellationToken cancellationToken = default) =>
        inner.ListFilesExpiredAsync(now, page, cancellationToken);
}

public sealed class GenerationClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public GatedEngine Gate { get; } = new();

    /// <summary>The domain clock (reservation ages, staleness); Orleans keeps the real one.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public IServiceProvider Silo => Cluster.Silos[0].ServiceProvider;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddTryOnGrains().UseEmbeddedStorage(_directory.Path);
            silo.Services.AddSingleton(services => new CountingGenerationReadModel(ActivatorUtilities.CreateInstance<TryOn.Storage.ReadModels.GenerationReadModel>(services)));
            silo.Services.AddSingleton<IGenerationReadModel>(services => services.GetRequiredService<CountingGenerationReadModel>());
            silo.Services.AddSingleton<ITryOnEngine>(Gate);
            silo.Services.AddKeyedSingleton<TimeProvider>(DomainClock.ServiceKey, Clock);
            silo.Services.Configure<EngineOptions>(options =>
            {
                options.MockDuration = TimeSpan.FromMilliseconds(50);
                options.Slots = 1;
                options.QueueCapacity = 2;
                options.AttemptDeadline = TimeSpan.FromSeconds(3);
                // A stopping silo abandons its running attempt at once: the restart test checks it is driven again.
                options.DrainTimeout = TimeSpan.Zero;
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        Gate.Open();
        await Cluster.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>
/// The generation state machine on a real silo with the real scheduler and storage. Tests in this class share one
/// scheduler slot, so they run one after the other (xunit runs a class's tests sequentially).
/// </summary>
public sealed class GenerationGrainTests(GenerationClusterFixture fixture) : IClassFixture<GenerationClusterFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private IGrainFactory Grains => fixture.Cluster.Client;

    /// <summary>An account with a stored shopper photo (recorded as an image for end user <c>u-1</c>), by its image id.</summary>
    private async Task<(string AccountId, string Shopper)> AccountWithPhotoAsync(long credits = 5)
    {
        var accountId = "acct_" + Guid.NewGuid().ToString("N");
        await Grains.GetGrain<IAccountGrain>(accountId).CreateAsync(new NewAccount("Shop", credits, null, null));
        var now = DateTimeOffset.UtcNow;
        var imageId = ResourceIds.NewImageId(now);
        var blobKey = $"{accountId}/images/{imageId}.png";
        var photo = TestImages.Read("person-astronaut.png");
        await fixture.Silo.GetRequiredService<IBlobStore>().WriteAsync(blobKey, new MemoryStream(photo));
        using var decoded = NetVips.Image.NewFromBuffer(photo);
        await Grains.GetGrain<IImageGrain>(imageId).RecordAsync(
            new StoredImageRecord(imageId, accountId, blobKey, "image/png", decoded.Width, decoded.Height, "u-1", now, now.AddDays(7)));
        return (accountId, imageId);
    }

    private async Task<ProductSnapshot> ProductAsync(string accountId, string title, string category, string? imageBlobKey = null, string? url = null, bool flatLay = true)
    {
        if (imageBlobKey is not null)
        {
            using var garment = TestImages.Solid(200, 240, 30, 90, 200);
            await fixture.Silo.GetRequiredService<IBlobStore>().WriteAsync(imageBlobKey, new MemoryStream(TestImages.Png(garment)));
        }

        var classifications = ImmutableDictionary<string, bool>.Empty.Add("flat_lay", flatLay);
        var product = await Grains.GetGrain<IProductGrain>(ProductKeys.GrainKey(accountId, "p-" + Guid.NewGuid().ToString("N")[..8])).UpsertAsync(new ProductUpsert(
            ProductKind.Catalog, title, null,
            [new ProductImageInput(url, imageBlobKey is null ? null : "pimg_" + Guid.NewGuid().ToString("N"), imageBlobKey, classifications, ImmutableDictionary<string, bool>.Empty)],
            null, false, null, false, category));
        return product.Product!;
    }

    private async Task<IGenerationGrain> StartAsync(string accountId, ProductSnapshot product, string imageId)
    {
        var (generation, result) = await AdmitAsync(accountId, product, imageId);
        Assert.Null(result.Refusal);
        Assert.Equal(GenerationStatus.Pending, result.Generation!.Status);
        return generation;
    }

    private async Task<(IGenerationGrain Generation, AdmissionResult Result)> AdmitAsync(string accountId, ProductSnapshot product, string imageId)
    {
        var generation = Grains.GetGrain<IGenerationGrain>("gen_" + Guid.NewGuid().ToString("N"));
        return (generation, await generation.AdmitAsync(Admission(accountId, product, imageId)));
    }

    private static AdmissionRequest Admission(string accountId, ProductSnapshot product, string imageId) =>
        new(accountId, new AdmittedProduct(product.ExternalId), new AdmittedShopper(imageId), ExternalUserId: null, Watermark: true, KeepForDays: 7);

    private static async Task<GenerationView> WaitForAsync(IGenerationGrain generation, string accountId, Func<GenerationView, bool> condition, string what)
    {
        GenerationView view = null!;
        await Eventually.HoldsAsync(async () => condition(view = (await generation.FindAsync(accountId)).Generation!), Bound, what);
        return view;
    }

    private async Task<CreditBalance> CreditsAsync(string accountId) => (await Grains.GetGrain<IAccountGrain>(accountId).GetCreditsAsync())!;

    [Fact]
    public async Task Mock_product_completes_with_the_shopper_photo_and_charges_the_credit()
    {
        var (accountId, shopper) = await AccountWithPhotoAsync();
        var product = await ProductAsync(accountId, "mock", "tops", imageBlobKey: $"{accountId}/products/g.png");
        var generation = await StartAsync(accountId, product, shopper);

        var done = await WaitForAsync(generation, accountId, view => view.Status == GenerationStatus.Completed, "the mock generation to complete");

        Assert.Equal(1, done.Progress);
        Assert.NotNull(done.GenerationTimeMs);
        Assert.Null(done.ErrorCode);
        await using var result = await fixture.Silo.GetRequiredService<IBlobStore>().OpenReadAsync(done.ResultBlobKey!);
        using var image = NetVips.Image.NewFromStream(result!);
        Assert.Equal((512, 512), (image.Width, image.Height));
        await Eventually.HoldsAsync(async () => (await CreditsAsync(accountId)) == new CreditBalance(4, 0), Bound, "the credit to be charged");
    }

    [Fact]
    public async Task Category_without_an_engine_is_refused_at_admission_without_holding_a_credit()
    {
        var (accountId, shopper) = await AccountWithPhotoAsync();
        var product = await ProductAsync(accountId, "Boots", "footwear", imageBlobKey: $"{accountId}/products/b.png");
        var (generation, result) = await AdmitAsync(accountId, product, shopper);

        Assert.Equal("CATEGORY_NOT_SUPPORTED", result.Refusal!.Code);
        Assert.Contains("footwear", result.Refusal.Message, StringComparison.Ordinal);
        Assert.Equal("footwear", result.Refusal.Details!["category"]);
        Assert.Contains("tops", (string[])result.Refusal.Details["supported"]);
        Assert.Equal(GenerationLookupStatus.NotFound, (await generation.FindAsync(accountId)).Status);
        Assert.Equal(new CreditBalance(5, 0), await CreditsAsync(accountId));
    }

    [Fact]
    public async Task Missing_required_classification_is_refused_at_admission_with_its_code()
    {
        var (accountId, shopper) = await AccountWithPhotoAsync();
        var product = await ProductAsync(accountId, "Tee", "tops", imageBlobKey: $"{accountId}/products/t.png", flatLay: false);
        var (generation, result) = await AdmitAsync(accountId, product, shopper);

        Assert.Equal("MISSING_REQUIRED_CLASSIFICATION", result.Refusal!.Code);
        Assert.Contains("flat_lay", result.Refusal.Message, StringComparison.Ordinal);
        Assert.Equal(GenerationLookupStatus.NotFound, (await generation.FindAsync(accountId)).Status);
        Assert.Equal(new CreditBalance(5, 0), await CreditsAsync(accountId));
    }

    [Fact]
    public async Task A_refused_admission_removes_the_photo_it_was_handed_and_an_accepted_one_records_it_with_the_retention()
    {
        var (accountId, _) = await AccountWithPhotoAsync();
        var blobs = fixture.Silo.GetRequiredService<IBlobStore>();
        var boots = await ProductAsync(accountId, "Boots", "footwear", imageBlobKey: $"{accountId}/products/u.png");
        var tee = await ProductAsync(accountId, "mock", "tops", imageBlobKey: $"{accountId}/products/v.png");

        async Task<ShopperUpload> UploadAsync()
        {
            var now = DateTimeOffset.UtcNow;
            var imageId = ResourceIds.NewImageId(now);
            var blobKey = $"{accountId}/images/{imageId}.png";
            await blobs.WriteAsync(blobKey, new MemoryStream(TestImages.Read("person-astronaut.png")));
            return new ShopperUpload(new StoredImageRecord(imageId, accountId, blobKey, "image/png", 10, 10, "u-2", now, now), null);
        }

        var refusedUpload = await UploadAsync();
        var refused = await Grains.GetGrain<IGenerationGrain>("gen_" + Guid.NewGuid().ToString("N")).AdmitAsync(
            Admission(accountId, boots, null!) with { Shopper = new AdmittedShopper(null, refusedUpload) });
        Assert.Equal("CATEGORY_NOT_SUPPORTED", refused.Refusal!.Code);
        Assert.Null(await blobs.GetSizeAsync(refusedUpload.Image.BlobKey));
        Assert.Equal(ImageLookupStatus.NotFound, (await Grains.GetGrain<IImageGrain>(refusedUpload.Image.ImageId).FindAsync(accountId)).Status);

        var acceptedUpload = await UploadAsync();
        var accepted = await Grains.GetGrain<IGenerationGrain>("gen_" + Guid.NewGuid().ToString("N")).AdmitAsync(
            Admission(accountId, tee, null!) with { Shopper = new AdmittedShopper(null, acceptedUpload), KeepForDays = 3 });
        Assert.Null(accepted.Refusal);
        var recorded = await Grains.GetGrain<IImageGrain>(acceptedUpload.Image.ImageId).FindAsync(accountId);
        Assert.Equal(acceptedUpload.Image.CreatedAt.AddDays(3), recorded.Image!.ExpiresAt);
        Assert.NotNull(await blobs.GetSizeAsync(acceptedUpload.Image.BlobKey));
    }

    [Fact]
    public async Task Unreachable_product_image_fails_with_PRODUCT_IMAGE_FETCH_FAILED()
    {
        var (accountId, shopper) = await AccountWithPhotoAsync();
        // A documentation-range address: refused by the fetcher's address rule, so nothing leaves the machine.
        var product = await ProductAsync(accountId, "mock", "tops", url: "https://198.51.100.9/tee.jpg");
        var generation = await StartAsync(accountId, product, shopper);

        var failed = await WaitForAsync(generation, accountId, view => view.Status == GenerationStatus.Failed, "the generation to fail");
        Assert.Equal("PRODUCT_IMAGE_FETCH_FAILED", failed.ErrorCode);
        await Eventually.HoldsAsync(async () => (await CreditsAsync(accountId)) == new CreditBalance(5, 0), Bound, "the credit to be released");
    }

    [Fact]
    public async Task A_full_queue_refuses_at_admission_and_leaves_nothing_behind()
    {
        var (accountId, shopper) = await AccountWithPhotoAsync(credits: 10);
        var product = await ProductAsync(accountId, "Tee", "tops", imageBlobKey: $"{accountId}/products/q.png");
        fixture.Gate.Close();
        try
        {
            var running = await StartAsync(accountId, product, shopper);
            var processing = await WaitForAsync(running, accountId, view => view.Status == GenerationStatus.Processing && view.Progress > 0, "the first generation to run");
            Assert.Equal(0.4, processing.Progress);

            var second = await StartAsync(accountId, product, shopper);
            var third = await StartAsync(accountId, product, shopper);
            Assert.Equal(1, (await second.FindAsync(accountId)).Generation!.QueuePosition);
            Assert.Equal(2, (await third.FindAsync(accountId)).Generation!.QueuePosition);

            var (refused, refusal) = await AdmitAsync(accountId, product, shopper);
            Assert.Equal("QUOTA_EXCEEDED", refusal.Refusal!.Code);
            Assert.Equal("queue", refusal.Refusal.Details!["quota"]);
            Assert.Equal(GenerationLookupStatus.NotFound, (await refused.FindAsync(accountId)).Status);
            Assert.Equal(new CreditBalance(7, 3), await CreditsAsync(accountId));

            fixture.Gate.Open();
            foreach (var generation in new[] { running, second, third })
            {
                await WaitForAsync(generation, accountId, view => view.Status == GenerationStatus.Completed, "every queued generation to complete");
            }

            await Eventually.HoldsAsync(async () => (await CreditsAsync(accountId)) == new CreditBalance(7, 0), Bound, "three credits to be charged");
        }
        finally
        {
            fixture.Gate.Open();
        }
    }

    [Fact]
    public async Task An_attempt_past_its_deadline_fails_and_releases_the_credit()
    {
        var (accountId, shopper) = await AccountWithPhotoAsync();
        var product = await ProductAsync(accountId, "Tee", "tops", imageBlobKey: $"{accountId}/products/d.png");
        fixture.Gate.Close();
        try
        {
            var generation = await StartAsync(accountId, product, shopper);
            var failed = await WaitForAsync(generation, accountId, view => view.Status == GenerationStatus.Failed, "the deadline to fail the generation");
            Assert.Equal("GENERATION_FAILED", failed.ErrorCode);
            Assert.Contains("did not finish", failed.ErrorMessage, StringComparison.Ordinal);
            await Eventually.HoldsAsync(async () => (await CreditsAsync(accountId)) == new CreditBalance(5, 0), Bound, "the credit to be released");
        }
        finally
        {
            fixture.Gate.Open();
        }
    }

    [Fact]
    public async Task A_silo_restart_during_processing_still_ends_in_one_charge()
    {
        var (accountId, shopper) = await AccountWithPhotoAsync();
        var product = await ProductAsync(accountId, "Tee", "tops", imageBlobKey: $"{accountId}/products/r.png");
        fixture.Gate.Close();
        try
        {
            var generation = await StartAsync(accountId, product, shopper);
            await WaitForAsync(generation, accountId, view => view.Status == GenerationStatus.Processing, "the generation to run");

            await fixture.Cluster.RestartSiloAsync(fixture.Cluster.Silos[0]);
            fixture.Gate.Open();
            await Eventually.HoldsAsync(
                async () =>
                {
                    try
                    {
                        await Grains.GetGrain<IAccountGrain>(accountId).GetCreditsAsync();
                        return true;
                    }
                    catch (Exception exception) when (exception is Orleans.Runtime.Messaging.ConnectionFailedException or SiloUnavailableException or OrleansMessageRejectionException)
                    {
                        // The client still knows the old silo's address for a moment.
                        return false;
                    }
                },
                Bound,
                "the client to reach the restarted silo");

            // The sweep finds it in the read model once it has been unfinished longer than an attempt may take.
            fixture.Clock.Advance(TimeSpan.FromMinutes(5));
            var (recovered, _) = await fixture.Silo.GetRequiredService<GenerationRecoverySweeper>().SweepAsync();
            Assert.True(recovered >= 1);
            await WaitForAsync(generation, accountId, view => view.Status == GenerationStatus.Completed, "the interrupted generation to be driven again and complete");
            await Eventually.HoldsAsync(async () => (await CreditsAsync(accountId)) == new CreditBalance(4, 0), Bound, "the credit to be charged");
            var ledger = await fixture.Silo.GetRequiredService<IAccountReadModel>().ListLedgerAsync(accountId, new PageRequest(null, 50));
            Assert.Single(ledger.Items, entry => entry.Kind == LedgerEntryKind.Charge && entry.Reference == generation.GetPrimaryKeyString());
            Assert.DoesNotContain(ledger.Items, entry => entry.Kind == LedgerEntryKind.Release);
        }
        finally
        {
            fixture.Gate.Open();
        }
    }

    [Fact]
    public async Task A_credit_reserved_for_a_generation_that_never_started_is_released_by_the_reconciliation()
    {
        var (accountId, shopper) = await AccountWithPhotoAsync(credits: 3);
        var account = Grains.GetGrain<IAccountGrain>(accountId);
        Assert.True((await account.ReserveCreditAsync("gen_orphan_" + accountId[5..13])).Holds);
        var sweeper = fixture.Silo.GetRequiredService<GenerationRecoverySweeper>();

        await sweeper.SweepAsync();
        Assert.Equal(new CreditBalance(2, 1), await CreditsAsync(accountId));

        fixture.Clock.Advance(new EngineOptions().ReservationGrace + TimeSpan.FromMinutes(1));
        var (_, released) = await sweeper.SweepAsync();

        Assert.True(released >= 1);
        Assert.Equal(new CreditBalance(3, 0), await CreditsAsync(accountId));
        var late = Grains.GetGrain<IGenerationGrain>("gen_orphan_" + accountId[5..13]);
        var product = await ProductAsync(accountId, "mock", "tops", imageBlobKey: $"{accountId}/products/o.png");
        Assert.True((await late.AdmitAsync(Admission(accountId, product, shopper))).IsClosed);
        Assert.Equal(new CreditBalance(3, 0), await CreditsAsync(accountId));
    }

    [Fact]
    public async Task Abandoning_an_id_whose_admission_died_gives_its_credit_back_at_once()
    {
        var (accountId, _) = await AccountWithPhotoAsync(credits: 3);
        var id = "gen_" + Guid.NewGuid().ToString("N");

        // As left by an admission whose silo died after the reservation, before the generation was stored.
        Assert.True((await Grains.GetGrain<IAccountGrain>(accountId).ReserveCreditAsync(id)).Holds);
        Assert.False(await Grains.GetGrain<IGenerationGrain>(id).AbandonIfNotStartedAsync(accountId));

        Assert.Equal(new CreditBalance(3, 0), await CreditsAsync(accountId));
        await Eventually.HoldsAsync(
            async () => (await fixture.Silo.GetRequiredService<IAccountReadModel>().ListLedgerAsync(accountId, new PageRequest(null, 50))).Items
                .Any(entry => entry.Kind == LedgerEntryKind.Release && entry.Reference == id && entry.Reason == "Admission failed: credit returned"),
            TimeSpan.FromSeconds(10),
            "the ledger to say the admission failed, not the generation");
    }

    [Fact]
    public async Task Abandoning_a_started_generation_changes_nothing()
    {
        var (accountId, shopper) = await AccountWithPhotoAsync();
        var product = await ProductAsync(accountId, "mock", "tops", imageBlobKey: $"{accountId}/products/a.png");
        var generation = await StartAsync(accountId, product, shopper);
        Assert.True(await generation.AbandonIfNotStartedAsync(accountId));
        await WaitForAsync(generation, accountId, view => view.Status == GenerationStatus.Completed, "the generation to complete");
    }

    [Fact]
    public async Task Waking_a_finished_generation_to_read_it_writes_nothing()
    {
        var (accountId, shopper) = await AccountWithPhotoAsync();
        var product = await ProductAsync(accountId, "mock", "tops", imageBlobKey: $"{accountId}/products/c.png");
        var generation = await StartAsync(accountId, product, shopper);
        await WaitForAsync(generation, accountId, view => view.Status == GenerationStatus.Completed, "the generation to complete");
        await Eventually.HoldsAsync(async () => (await CreditsAsync(accountId)) == new CreditBalance(4, 0), Bound, "the credit to be charged");
        var readModel = fixture.Silo.GetRequiredService<CountingGenerationReadModel>();
        var published = readModel.UpsertsOf(generation.GetPrimaryKeyString());
        Assert.True(published >= 3, "pending, processing and completed were each published");

        await generation.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.HoldsAsync(
            async () => await ActivationCountAsync(generation) == 0, Bound, "the generation's activation to be collected");
        var seen = await generation.FindAsync(accountId);

        Assert.Equal(GenerationStatus.Completed, seen.Generation!.Status);
        Assert.Equal(published, readModel.UpsertsOf(generation.GetPrimaryKeyString()));
    }

    private async Task<int> ActivationCountAsync(IGenerationGrain generation)
    {
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.Count(activation => activation.GrainId == generation.GetGrainId());
    }

    [Fact]
    public async Task Starting_twice_changes_nothing_and_other_accounts_see_nothing()
    {
        var (accountId, shopper) = await AccountWithPhotoAsync();
        var product = await ProductAsync(accountId, "mock", "tops", imageBlobKey: $"{accountId}/products/i.png");
        var generation = await StartAsync(accountId, product, shopper);

        var again = await generation.AdmitAsync(Admission(accountId, product, shopper));
        Assert.Equal(generation.GetPrimaryKeyString(), again.Generation!.GenerationId);
        Assert.Equal(new CreditBalance(4, 1), await CreditsAsync(accountId));
        Assert.Equal(GenerationLookupStatus.OtherAccount, (await generation.FindAsync("acct_other")).Status);
        Assert.Equal(GenerationLookupStatus.NotFound, (await Grains.GetGrain<IGenerationGrain>("gen_unknown").FindAsync(accountId)).Status);
        await WaitForAsync(generation, accountId, view => view.Status == GenerationStatus.Completed, "the generation to complete");
    }
}
