using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TryOn.Grains.Hosting;
using TryOn.Grains.Persistence;

namespace TryOn.Grains.Images;

[GenerateSerializer, Alias("tryon.images.ImageState")]
internal sealed class ImageState
{
    [Id(0)] public StoredImageRecord? Image { get; set; }
}

internal sealed class ImageGrain(
    [PersistentState("image", StorageNames.Grains)] IPersistentState<ImageState> state,
    IImageReadModel readModel,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider timeProvider,
    ILogger<ImageGrain> logger) : Grain, IImageGrain
{
    private ReadModelOutbox? _outbox;

    private ReadModelOutbox Outbox => _outbox ??= new ReadModelOutbox(
        this, () => readModel.UpsertAsync(state.State.Image!, CancellationToken.None), logger);

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
        if (image is null || image.ExpiresAt <= timeProvider.GetUtcNow())
        {
            return Task.FromResult(new ImageLookup(ImageLookupStatus.NotFound, null));
        }

        return Task.FromResult(image.AccountId == accountId
            ? new ImageLookup(ImageLookupStatus.Found, image)
            : new ImageLookup(ImageLookupStatus.OtherAccount, null));
    }
}
