using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TryOn.Grains.Generations;
using TryOn.Grains.Hosting;
using TryOn.Grains.Persistence.Sqlite;
using TryOn.Grains.Privacy;
using TryOn.Tests.Infrastructure;
using static TryOn.Tests.Privacy.ShopperCalls;
using TryOn.Storage.Sqlite;
using TryOn.Contracts;
using TryOn.Contracts.Paging;
using TryOn.Contracts.Generations;

namespace TryOn.Tests.Privacy;

/// <summary>
/// The retention sweep with the domain clock faked (Orleans keeps its own): uploads go when their retention ends,
/// generation results and copies after <c>keepForDays</c>, and the records stay. Signed links last 7 days here, so
/// a link that stops working does so because its file is gone, not because the link expired.
/// </summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private const string Account = "acct_dev";
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TryOnApp _app = null!;
    private HttpClient _merchant = null!;
    private HttpClient _anonymous = null!;

    public Task InitializeAsync()
    {
        _app = new TryOnApp(
            _directory.Path,
            new Dictionary<string, string?> { ["Engines:MockDuration"] = "00:00:00.050", ["Files:LinkLifetime"] = "7.00:00:00" },
            services => services.AddKeyedSingleton<TimeProvider>(DomainClock.ServiceKey, _clock));
        _merchant = _app.CreateMerchantClient(_app.DevelopmentApiKeyAfterStart());
        _anonymous = _app.CreateHttpClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _merchant.Dispose();
        _anonymous.Dispose();
        await _app.DisposeAsync();
        _directory.Dispose();
    }

    private RetentionSweeper Sweeper => _app.Services.GetRequiredService<RetentionSweeper>();

    private IReadOnlyList<string> ShopperFiles => ShopperFilesOf(_directory.Path, Account);

    private async Task<HttpStatusCode> FetchAsync(string signedUrl)
    {
        var response = await _anonymous.GetAsync(signedUrl);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "FILE_NOT_FOUND");
        }

        return response.StatusCode;
    }

    private async Task<(string GenerationId, string ResultUrl)> CompletedTryOnAsync(string imageId, int keepForDays)
    {
        var generationId = await TryOnAsync(_merchant, "mock-r", imageId, keepForDays: keepForDays);
        var done = await PollAsync(_merchant, generationId, "COMPLETED");
        return (generationId, done.GetProperty("resultImageUrl").GetString()!);
    }

    [Fact]
    public async Task Uploads_and_results_are_deleted_after_their_retention_and_the_records_stay()
    {
        await CreateProductAsync(_merchant, "mock-r");
        var (shortImage, shortImageUrl) = await UploadAsync(_merchant, "r-1", keepForDays: 1);
        var (longImage, longImageUrl) = await UploadAsync(_merchant, "r-1", keepForDays: 7);
        var (shortGeneration, shortResultUrl) = await CompletedTryOnAsync(shortImage, keepForDays: 1);
        var (longGeneration, longResultUrl) = await CompletedTryOnAsync(longImage, keepForDays: 7);
        var files = ShopperFiles;
        Assert.Equal(8, files.Count); // two photos and their person masks, two results, two product copies
        Assert.Equal(new RetentionSweep(0, 0, 0), await Sweeper.SweepAsync());
        Assert.Equal(files, ShopperFiles);

        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(shortResultUrl));
        Assert.Equal(new RetentionSweep(0, 1, 1), await Sweeper.SweepAsync());

        // One day on: the short upload, its generation's result and product copy are gone; the 7-day ones are not.
        Assert.Collection(
            ShopperFiles,
            path => Assert.StartsWith($"generations/{longGeneration}/product.", path, StringComparison.Ordinal),
            path => Assert.Equal(FileOf(longImageUrl, Account), path),
            path => Assert.Equal(MaskFileOf(longImageUrl, Account), path),
            path => Assert.Equal(FileOf(longResultUrl, Account), path));
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(shortResultUrl));
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(shortImageUrl));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(longResultUrl));
        var swept = await (await _merchant.GetAsync($"/tryon/v1/generations/{shortGeneration}")).ShouldBeOkAsync();
        Assert.Equal("COMPLETED", swept.GetProperty("status").GetString());
        Assert.False(swept.TryGetProperty("resultImageUrl", out _));
        Assert.Equal(JsonValueKind.Number, swept.GetProperty("generationTimeMs").ValueKind);
        Assert.Equal(new RetentionSweep(0, 0, 0), await Sweeper.SweepAsync());

        _clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(new RetentionSweep(0, 1, 1), await Sweeper.SweepAsync());
        Assert.Empty(ShopperFiles);
        Assert.Single(FilesOf(_directory.Path, Account), path => path.StartsWith("products/", StringComparison.Ordinal));

        var listed = await (await _merchant.GetAsync("/tryon/v1/generations")).ShouldBeOkAsync();
        Assert.Equal(
            new[] { longGeneration, shortGeneration }.Order(StringComparer.Ordinal),
            listed.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(listed.GetProperty("items").EnumerateArray(), item => Assert.False(item.TryGetProperty("resultImageUrl", out _)));
        var stats = await (await _merchant.GetAsync("/tryon/v1/products/mock-r/stats")).ShouldBeOkAsync();
        Assert.Equal(2, stats.GetProperty("completedGenerations").GetInt64());
        await (await _merchant.PostAsJsonAsync("/tryon/v1/try-on", new { products = new[] { new { externalId = "mock-r" } }, person = new { image = new { source = new { id = longImage } } } }))
            .ShouldBeErrorAsync(HttpStatusCode.NotFound, "IMAGE_NOT_FOUND");
    }

    [Fact]
    public async Task A_photo_sent_with_the_try_on_goes_with_the_calls_keepForDays()
    {
        await CreateProductAsync(_merchant, "mock-r");
        var generationId = await TryOnWithPhotoAsync(_merchant, "mock-r", "r-2");
        await PollAsync(_merchant, generationId, "COMPLETED");
        Assert.Equal(4, ShopperFiles.Count); // the photo and its person mask, the result, the product copy

        // The account's retention, 7 days, applies to a call that does not say.
        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        Assert.Equal(new RetentionSweep(0, 0, 0), await Sweeper.SweepAsync());
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(new RetentionSweep(0, 1, 1), await Sweeper.SweepAsync());
        Assert.Empty(ShopperFiles);
    }

    [Fact]
    public async Task Entries_that_are_never_removed_do_not_hold_up_the_ones_due_after_them()
    {
        await CreateProductAsync(_merchant, "mock-r");
        var (imageId, _) = await UploadAsync(_merchant, "r-4", keepForDays: 7);
        var (_, resultUrl) = await CompletedTryOnAsync(imageId, keepForDays: 1);

        // More than a batch (200) of index rows due earlier whose grains never remove anything: no such generation.
        var generations = _app.Services.GetRequiredService<IGenerationReadModel>();
        var now = _clock.GetUtcNow();
        for (var i = 0; i < 250; i++)
        {
            var id = $"gen_stuck{i:D3}";
            await generations.UpsertAsync(new GenerationRecord(
                "acct_elsewhere",
                new GenerationView(id, GenerationStatus.Completed, 1, null, "p", null, null, null, null, 10, now.AddDays(-2), now.AddDays(-2)),
                null,
                1,
                now.AddDays(-1)));
        }

        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(new RetentionSweep(0, 0, 1), await Sweeper.SweepAsync());
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(resultUrl));
        Assert.Equal(250, (await generations.ListFilesExpiredAsync(_clock.GetUtcNow(), new PageRequest(null, 300))).Items.Count);
    }

    [Fact]
    public async Task A_database_from_before_the_generation_files_index_is_upgraded_and_old_results_still_expire()
    {
        await CreateProductAsync(_merchant, "mock-r");
        var (imageId, imageUrl) = await UploadAsync(_merchant, "r-3", keepForDays: 7);
        var (generationId, resultUrl) = await CompletedTryOnAsync(imageId, keepForDays: 3);
        var generations = _app.Services.GetRequiredService<IGenerationReadModel>();

        // What an earlier version left: the generations table without the index of their files.
        var database = _app.Services.GetRequiredService<SqliteDatabase>();
        await using (var connection = await database.OpenConnectionAsync())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "DROP TABLE generation_files; DROP TABLE read_model_migrations;";
            await command.ExecuteNonQueryAsync();
        }

        await database.ApplySchemaAsync();
        await database.ApplySchemaAsync();

        // Back-filled as due at once; the grain knows better, keeps its files and publishes its real expiry.
        Assert.Equal([generationId], (await generations.ListFilesExpiredAsync(_clock.GetUtcNow(), new PageRequest(null, 10))).Items);
        Assert.Equal(new RetentionSweep(0, 0, 0), await Sweeper.SweepAsync());
        Assert.Empty((await generations.ListFilesExpiredAsync(_clock.GetUtcNow(), new PageRequest(null, 10))).Items);
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(resultUrl));

        _clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        Assert.Equal([generationId], (await generations.ListFilesExpiredAsync(_clock.GetUtcNow(), new PageRequest(null, 10))).Items);
        Assert.Equal(new RetentionSweep(0, 0, 1), await Sweeper.SweepAsync());
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(resultUrl));
        // The upload keeps its own 7 days: its photo and person mask are the shopper files left.
        Assert.Equal(ImageFilesOf(imageUrl, Account), ShopperFiles);
    }
}
