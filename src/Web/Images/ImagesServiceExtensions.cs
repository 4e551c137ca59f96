using TryOn.Hosting.Files;
using TryOn.Pipeline;

namespace TryOn.Web.Images;

internal static class ImagesServiceExtensions
{
    /// <summary>The image pipeline, product image intake and signed file links, with their settings checked at start-up.</summary>
    public static IServiceCollection AddTryOnImages(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTryOnImagePipeline();
        services.AddSingleton<Accounts.StorageQuota>();
        services.AddSingleton<Accounts.AccountLogo>();
        services.AddSingleton<Products.ProductImageIntake>();
        services.AddSingleton<ShopperImages>();
        services.AddSingleton<TryOn.TryOnIntake>();
        services.AddOptions<TryOn.TryOnOptions>()
            .Bind(configuration.GetSection(TryOn.TryOnOptions.SectionName))
            .Validate(options => options.SyncWait > TimeSpan.Zero && options.SyncWait <= TimeSpan.FromMinutes(5), "TryOn:SyncWait must be positive and at most 5 minutes.")
            .ValidateOnStart();

        services.AddFileLinks();

        services.AddOptions<Multipart.FormIntakeOptions>()
            .Bind(configuration.GetSection(Multipart.FormIntakeOptions.SectionName))
            .Validate(options => options.MaxConcurrent is >= 1 and <= 1024, "Uploads:MaxConcurrent must be from 1 to 1024.")
            .Validate(
                options => options.PlacesPerAccount >= 1 && options.PlacesPerAccount <= options.MaxConcurrent,
                "Uploads:MaxConcurrentPerAccount must be from 1 to Uploads:MaxConcurrent.")
            .Validate(
                options => options.PlaceWait > TimeSpan.Zero && options.PlaceWait <= TimeSpan.FromMinutes(5),
                "Uploads:PlaceWait must be positive and at most 5 minutes.")
            .Validate(
                options => options.BodyTimeout >= TimeSpan.FromSeconds(1) && options.BodyTimeout <= TimeSpan.FromMinutes(30),
                "Uploads:BodyTimeout must be from 1 second to 30 minutes.")
            .ValidateOnStart();
        services.AddSingleton<Multipart.FormIntake>();
        return services;
    }
}
