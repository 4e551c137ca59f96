using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TryOn.Grains.Storage;

public static class BlobStoreServiceCollectionExtensions
{
    /// <summary>The cluster blob store: one Azure Blob Storage container shared by every process.</summary>
    public static IServiceCollection AddAzureBlobStore(this IServiceCollection services, string connectionString, string container)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddMeteredBlobStore(new AzureBlobStore(new BlobContainerClient(connectionString, container)));
    }

    /// <summary>The blob store every component gets: <paramref name="store"/>, with each account's stored bytes counted.</summary>
    internal static IServiceCollection AddMeteredBlobStore(this IServiceCollection services, IBlobStore store) =>
        services.AddSingleton<IBlobStore>(provider => new MeteredBlobStore(
            store, provider.GetRequiredService<IGrainFactory>(), provider.GetRequiredService<ILogger<MeteredBlobStore>>()));
}
