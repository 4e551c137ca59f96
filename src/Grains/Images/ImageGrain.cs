using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TryOn.Contracts;
using TryOn.Contracts.Images;
using TryOn.Grains.Persistence;
using TryOn.Storage.Blobs;

namespace TryOn.Grains.Images;

[GenerateSerializer, Alias("tryon.images.ImageState")]
internal sealed class ImageState
{
    [Id(0)] public StoredImageRecord? Image { get; set; }

    /// <summary>When the bytes were removed (retention or erasure); the record stays, without its end user and person.</summary>
    [Id(1)] public DateTimeOffset? RemovedAt { get; set; }
}

internal sealed partial class ImageGrain(
    [PersistentState("image", StorageNames.Grains)] IPersistentState<ImageState> state,
    IImageReadModel readModel,
    IBlobStore blobs,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider timeProvider,
    ILogger<ImageGrain> logger) : Grain, IImageGrain
{
    private ReadModelPublisher? _publisher;

    private string Id => this.GetPrimaryKeyString();

    private ReadModelPublisher Publisher => _publisher ??= new ReadModelPublisher(this, PublishStateAsync, logger);

    /// <summary>A previous activation may have stopped between its state and the index: bring the index up to date.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        state.State.Image is null ? Task.CompletedTask : Publisher.PublishAsync();

    /// <summary>
    /// Indexes the image, then records it; the call returns (and the upload is acknowledged) only once both are written.
    /// Retention and erasure find images through the index alone, so a record written first and then cut off from its
    /// row by a crash would be an image nothing ever removes. In this order the worst case is a row with no record
    /// behind it, which the grain drops when the sweep or an erasure reaches it.
    /// </summary>
    public async Task RecordAsync(StoredImageRecord image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (state.State.Image == image)
        {
            if (state.State.RemovedAt is null)
            {
                await readModel.UpsertAsync(image, CancellationToken.None);
            }

            return;
        }

        if (state.State.Image is not null)
        {
            throw new InvalidOperationException($"Image {image.ImageId} is already recorded with other content.");
        }

        await readModel.UpsertAsync(image, CancellationToken.None);
        state.State.Image = image;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
    }

    public Task<ImageLookup> FindAsync(string accountId, CancellationToken cancellationToken = default)
    {
        var image = state.State.Image;
        if (image is null || state.State.RemovedAt is not null || image.ExpiresAt <= timeProvider.GetUtcNow())
        {
            return Task.FromResult(new ImageLookup(ImageLookupStatus.NotFound, null));
        }

        return Task.FromResult(image.AccountId == accountId
            ? new ImageLookup(ImageLookupStatus.Found, image)
            : new ImageLookup(ImageLookupStatus.OtherAccount, null));
    }

    public async Task<bool> EraseAsync(string accountId, CancellationToken cancellationToken = default)
    {
        if (state.State.Image is not { } image)
        {
            // Listed under the end user but never recorded: the bytes may still be there, under the account asking.
            await ForgetUnrecordedAsync(ImageBlobs.PossibleKeys(accountId, Id));
            return false;
        }

        if (image.AccountId != accountId || state.State.RemovedAt is not null)
        {
            return false;
        }

        await RemoveAsync(image);
        LogErased(logger, image.ImageId);
        return true;
    }

    public async Task<bool> RemoveIfExpiredAsync(CancellationToken cancellationToken = default)
    {
        if (state.State.Image is not { } image)
        {
            // The account is not known here, so bytes left by an upload cut short stay (docs/privacy.md); the row goes.
            await ForgetUnrecordedAsync([]);
            return false;
        }

        if (state.State.RemovedAt is not null || image.ExpiresAt > timeProvider.GetUtcNow())
        {
            return false;
        }

        await RemoveAsync(image);
        return true;
    }

    /// <summary>
    /// The bytes go first: when the state write then fails, the record still lists the image and the next sweep or
    /// erasure finishes the job, whereas the other order could leave bytes that nothing points to.
    /// </summary>
    private async Task RemoveAsync(StoredImageRecord image)
    {
        await blobs.DeleteAsync(image.BlobKey, CancellationToken.None);
        await blobs.DeleteAsync(ImageBlobs.MaskKey(image.AccountId, image.ImageId), CancellationToken.None);
        state.State.Image = image with { ExternalUserId = null, Person = null };
        state.State.RemovedAt = timeProvider.GetUtcNow();
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await Publisher.PublishAsync();
    }

    /// <summary>
    /// An index row with no record behind it: the upload that wrote it failed or stopped before its record, so nothing
    /// was acknowledged and no call can use the id. Its possible bytes go first, then the row.
    /// </summary>
    private async Task ForgetUnrecordedAsync(IEnumerable<string> possibleBlobKeys)
    {
        foreach (var key in possibleBlobKeys)
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }

        await readModel.DeleteAsync(Id, CancellationToken.None);
    }

    private Task PublishStateAsync() => state.State.RemovedAt is null
        ? readModel.UpsertAsync(state.State.Image!, CancellationToken.None)
        : readModel.DeleteAsync(state.State.Image!.ImageId, CancellationToken.None);

    [LoggerMessage(1, LogLevel.Information, "Image {ImageId} was erased")]
    private static partial void LogErased(ILogger logger, string imageId);
}
