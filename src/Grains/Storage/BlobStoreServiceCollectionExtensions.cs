using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;

namespace TryOn.Grains.Storage;

public static class BlobStoreServiceCollectionExtensions
{
    /// <summary>The cluster blob store: one Azure Blob Storage container shared by every process.</summary>
    public static IServiceCollection AddAzureBlobStore(this IServiceCollection services, string connectionString, string container)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSingleton<IBlobStore>(new AzureBlobStore(new BlobContainerClient(connectionString, container)));
    }
}
