using Azure;
using Azure.Storage.Blobs;
using TryOn.Contracts.Storage;

namespace TryOn.Storage.Blobs;

/// <summary>
/// The cluster blob store: one block blob per key in one Azure Blob Storage container, shared by every silo and API
/// process. An upload commits the whole blob at once, so a reader never sees half of one. The container is created
/// on first use.
/// </summary>
internal sealed class AzureBlobStore(BlobContainerClient container) : IBlobStore
{
    private Task? _containerCreated;

    public async Task WriteAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        BlobKey.ThrowIfInvalid(key);
        await EnsureContainerAsync();
        await container.GetBlobClient(key).UploadAsync(content, overwrite: true, cancellationToken);
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.ThrowIfInvalid(key);
        await EnsureContainerAsync();
        try
        {
            var download = await container.GetBlobClient(key).DownloadStreamingAsync(cancellationToken: cancellationToken);
            return download.Value.Content;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    public async Task<long?> GetSizeAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.ThrowIfInvalid(key);
        await EnsureContainerAsync();
        try
        {
            var properties = await container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: cancellationToken);
            return properties.Value.ContentLength;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKey.ThrowIfInvalid(key);
        await EnsureContainerAsync();
        var deleted = await container.GetBlobClient(key).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        return deleted.Value;
    }

    /// <summary>Creates the container once; a failed attempt (storage not up yet) is tried again by the next call.</summary>
    private Task EnsureContainerAsync()
    {
        var created = _containerCreated;
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            _containerCreated = created = container.CreateIfNotExistsAsync();
        }

        return created;
    }
}
