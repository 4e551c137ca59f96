using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TryOn.Grains.Hosting;
using TryOn.Grains.Images;
using TryOn.Grains.Persistence;
using TryOn.Grains.Privacy;
using TryOn.Pipeline.Images;
using TryOn.Tests.Infrastructure;
using static TryOn.Tests.Privacy.ShopperCalls;
using TryOn.Storage.ReadModels;
using TryOn.Storage.Blobs;
using TryOn.Contracts;
using TryOn.Contracts.Paging;
using TryOn.Contracts.Images;

namespace TryOn.Tests.Images;

/// <summary>
/// Retention and erasure find stored images only through the images index, so an upload is acknowledged only once its
/// row is written, and a row left without its record (an upload cut short) does not outlive the sweep or an erasure.
/// </summary>
public sealed class ImageIndexTests : IAsyncLifetime
{
    private const string Account = "acct_dev";
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private SwitchableImageIndex _index = null!;
    private TryOnApp _app = null!;
    private HttpClient _merchant = null!;

    public Task InitializeAsync()
    {
        _app = new TryOnApp(
            _directory.Path,
            replaceServices: services =>
            {
                services.AddKeyedSingleton<TimeProvider>(DomainClock.ServiceKey, _clock);
                services.AddSingleton<IImageReadModel>(provider =>
                    _index = new SwitchableImageIndex(ActivatorUtilities.CreateInstance<ImageReadModel>(provider)));
            });
        _merchant = _app.CreateMerchantClient(_app.DevelopmentApiKeyAfterStart());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _merchant.Dispose();
        await _app.DisposeAsync();
        _directory.Dispose();
    }

    private IImageReadModel Index => _app.Services.GetRequiredService<IImageReadModel>();

    /// <summary>What an upload cut short between its index row and its record leaves: the bytes and the row.</summary>
    private async Task<StoredImageRecord> IndexedButNeverRecordedAsync(string externalUserId, DateTimeOffset expiresAt)
    {
        var imageId = "img_unrecorded" + Guid.NewGuid().ToString("N")[..8];
        var blobKey = ImageBlobs.Key(Account, imageId, png: false);
        await _app.Services.GetRequiredService<IBlobStore>().WriteAsync(blobKey, new MemoryStream(TestImages.Read("person-astronaut.png")), CancellationToken.None);
        var record = new StoredImageRecord(imageId, Account, blobKey, "image/jpeg", 10, 10, externalUserId, _clock.GetUtcNow().AddDays(-1), expiresAt);
        await Index.UpsertAsync(record);
        return record;
    }

    [Fact]
    public async Task An_upload_whose_index_row_cannot_be_written_fails_and_keeps_nothing()
    {
        _index.FailWrites = true;
        using (var form = UploadForm("idx-1"))
        {
            await (await _merchant.PostAsync("/tryon/v1/images/upload", form)).ShouldBeErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
        }

        Assert.Empty(ShopperFilesOf(_directory.Path, Account));

        _index.FailWrites = false;
        var (imageId, _) = await UploadAsync(_merchant, "idx-1");
        Assert.Equal([imageId], await Index.ListByExternalUserAsync(Account, "idx-1", null, 10));
    }

    [Fact]
    public async Task Erasure_removes_an_image_indexed_but_never_recorded_with_its_bytes()
    {
        var unrecorded = await IndexedButNeverRecordedAsync("idx-2", _clock.GetUtcNow().AddDays(7));
        Assert.Equal([unrecorded.BlobKey[(Account.Length + 1)..]], ShopperFilesOf(_directory.Path, Account));

        var response = await _merchant.DeleteAsync("/tryon/v1/customers/idx-2");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(ShopperFilesOf(_directory.Path, Account));
        Assert.Empty(await Index.ListByExternalUserAsync(Account, "idx-2", null, 10));
    }

    [Fact]
    public async Task The_sweep_drops_an_index_row_that_has_no_record_behind_it()
    {
        var unrecorded = await IndexedButNeverRecordedAsync("idx-3", _clock.GetUtcNow().AddDays(1));
        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal([unrecorded.ImageId], (await Index.ListExpiredAsync(_clock.GetUtcNow(), new PageRequest(null, 10))).Items);

        // Nothing was acknowledged, so nothing counts as removed; the row no longer names the end user.
        Assert.Equal(new RetentionSweep(0, 0, 0), await _app.Services.GetRequiredService<RetentionSweeper>().SweepAsync());

        Assert.Empty((await Index.ListExpiredAsync(_clock.GetUtcNow(), new PageRequest(null, 10))).Items);
        Assert.Empty(await Index.ListByExternalUserAsync(Account, "idx-3", null, 10));
    }

    private static MultipartFormDataContent UploadForm(string externalUserId)
    {
        var part = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        return new MultipartFormDataContent { { part, "file", "me.png" }, { new StringContent(externalUserId), "externalUserId" } };
    }

    /// <summary>The real index, whose writes can be made to fail as an unreachable database would.</summary>
    private sealed class SwitchableImageIndex(IImageReadModel inner) : IImageReadModel
    {
        private volatile bool _failWrites;

        public bool FailWrites
        {
            get => _failWrites;
            set => _failWrites = value;
        }

        public Task UpsertAsync(StoredImageRecord image, CancellationToken cancellationToken = default) =>
            _failWrites ? throw new InvalidOperationException("The images index cannot be written (test).") : inner.UpsertAsync(image, cancellationToken);

        public Task DeleteAsync(string imageId, CancellationToken cancellationToken = default) => inner.DeleteAsync(imageId, cancellationToken);

        public Task<Page<string>> ListExpiredAsync(DateTimeOffset now, PageRequest page, CancellationToken cancellationToken = default) =>
            inner.ListExpiredAsync(now, page, cancellationToken);

        public Task<IReadOnlyList<string>> ListByExternalUserAsync(
            string accountId, string externalUserId, string? afterImageId, int limit, CancellationToken cancellationToken = default) =>
            inner.ListByExternalUserAsync(accountId, externalUserId, afterImageId, limit, cancellationToken);
    }
}
