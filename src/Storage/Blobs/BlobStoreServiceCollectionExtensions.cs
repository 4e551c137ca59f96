using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TryOn.Storage.Blobs;

public static class BlobStoreServiceCollectionExtensions
{
    /// <summary>The cluster blob store: one Azure Blob Storage container shared by every process.</summary>
    public static IServiceCollection AddAzureBlobStore(this IServiceCollection services, string connectionString, string container)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddMeteredBlobStore(new AzureBlobStore(new BlobContainerClient(connectionString, container)));
    }

    /// <summary>The embedded blob store: files under <paramref name="root"/>.</summary>
    public static IServiceCollection AddFileSystemBlobStore(this IServiceCollection services, string root)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddMeteredBlobStore(new FileSystemBlobStore(root));
    }

    /// <summary>The blob store every component gets: <paramref name="store"/>, with each account's stored bytes counted.</summary>
    private static IServiceCollection AddMeteredBlobStore(this IServiceCollection services, IBlobStore store) =>
        services.AddSingleton<IBlobStore>(provider => new MeteredBlobStore(
            store, provider.GetRequiredService<IGrainFactory>(), provider.GetRequiredService<ILogger<MeteredBlobStore>>()));
}
