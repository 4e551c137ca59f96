using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TryOn.Hosting.Files;

public static class FileLinksServiceCollectionExtensions
{
    /// <summary>
    /// Signed file links and their settings (<c>Files</c>), checked at start-up. Called by the API and by the silo (whose
    /// webhook events carry the same links as the API's answers); safe to call twice on one container (embedded mode).
    /// </summary>
    public static IServiceCollection AddFileLinks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(descriptor => descriptor.ServiceType == typeof(FileLinks)))
        {
            return services;
        }

        services.AddOptions<FileLinkOptions>()
            .BindConfiguration(FileLinkOptions.SectionName)
            .Validate(
                options => string.IsNullOrEmpty(options.SigningKey) || options.SigningKey.Length >= FileLinks.MinimumKeyLength,
                $"Files:SigningKey must have at least {FileLinks.MinimumKeyLength} characters.")
            .Validate(
                options => options.LinkLifetime > TimeSpan.Zero && options.LinkLifetime <= TimeSpan.FromDays(7),
                "Files:LinkLifetime must be positive and at most 7 days.")
            .Validate(
                options => options.PublicBaseUrl is null
                    || (options.PublicBaseUrl.IsAbsoluteUri && (options.PublicBaseUrl.Scheme == Uri.UriSchemeHttps || options.PublicBaseUrl.Scheme == Uri.UriSchemeHttp)),
                "Files:PublicBaseUrl must be an absolute http(s) URL, e.g. https://tryon.example.com.")
            .ValidateOnStart();
        services.TryAddSingleton<PublicOrigin>();
        services.TryAddSingleton<FileLinks>();
        return services;
    }
}
