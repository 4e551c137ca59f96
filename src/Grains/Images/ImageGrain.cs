using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TryOn.Grains.Hosting;
using TryOn.Grains.Persistence;
using TryOn.Grains.Storage;

namespace TryOn.Grains.Images;

[GenerateSerializer, Alias("tryon.images.ImageState")]
internal sealed class ImageState
{
    [Id(0)] public StoredImageRecord? Image { get; set; }

    /// <summary>When the bytes were removed (retention or erasure); the record stays, without its end user.</summary>
    [Id(1)] public DateTimeOffset? RemovedAt { get; set; }
}

internal sealed partial class ImageGrain(
    [PersistentState("image", StorageNames.Grains)] IPersistentState<ImageState> state,
    IImageReadModel readModel,
    IBlobStore blobs,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider timeProvider,
    ILogger<ImageGrain> logger) : Grain, IImageGrain
{
    private ReadModelOutbox? _outbox;

    private ReadModelOutbox Outbox => _outbox ??= new ReadModelOutbox(this, PublishStateAsync, logger);

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        state.State.Image is null ? Task.CompletedTask : Outbox.PublishAsync();

    public async Task RecordAsync(StoredImageRecord image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (state.State.Image == image)
        {
            return;
        }

        if (state.State.Image is not null)
        {
            throw new InvalidOperationException($"Image {image.ImageId} is already recorded with other content.");
        }

        state.State.Image = image;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await Outbox.PublishAsync();
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
        if (state.State.Image is not { } image || image.AccountId != accountId || state.State.RemovedAt is not null)
        {
            return false;
        }

        await RemoveAsync(image);
        LogErased(logger, image.ImageId);
        return true;
    }

    public async Task<bool> RemoveIfExpiredAsync(CancellationToken cancellationToken = default)
    {
        if (state.State.Image is not { } image || state.State.RemovedAt is not null || image.ExpiresAt > timeProvider.GetUtcNow())
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
        state.State.Image = image with { ExternalUserId = null };
        state.State.RemovedAt = timeProvider.GetUtcNow();
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await Outbox.PublishAsync();
    }

    private Task PublishStateAsync() => state.State.RemovedAt is null
        ? readModel.UpsertAsync(state.State.Image!, CancellationToken.None)
        : readModel.DeleteAsync(state.State.Image!.ImageId, CancellationToken.None);

    [LoggerMessage(1, LogLevel.Information, "Image {ImageId} was erased")]
    private static partial void LogErased(ILogger logger, string imageId);
}
