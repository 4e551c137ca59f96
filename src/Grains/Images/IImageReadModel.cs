namespace TryOn.Grains.Images;

/// <summary>
/// The relational index of stored images: what retention sweeps (by expiry) and erasure (by external user id)
/// query, so neither ever lists files or grains. Written by <see cref="ImageGrain"/> after its state.
/// </summary>
public interface IImageReadModel
{
    Task UpsertAsync(StoredImageRecord image, CancellationToken cancellationToken = default);
}
