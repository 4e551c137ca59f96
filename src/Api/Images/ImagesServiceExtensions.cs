using Microsoft.Extensions.Options;
using TryOn.Api.Files;
using TryOn.Pipeline.Images;

namespace TryOn.Api.Images;

internal static class ImagesServiceExtensions
{
    /// <summary>The image pipeline and signed file links, with their settings checked at start-up.</summary>
    public static IServiceCollection AddTryOnImages(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImagePipelineOptions>()
            .Bind(configuration.GetSection(ImagePipelineOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImagePipelineOptions>>(new PipelineOptionsValidator());
        services.AddSingleton<ImagePipeline>();
        services.AddSingleton<Products.ProductImageIntake>();

        services.AddOptions<FileLinkOptions>()
            .Bind(configuration.GetSection(FileLinkOptions.SectionName))
            .Validate(
                options => string.IsNullOrEmpty(options.SigningKey) || options.SigningKey.Length >= FileLinks.MinimumKeyLength,
                $"Files:SigningKey must have at least {FileLinks.MinimumKeyLength} characters.")
            .Validate(
                options => options.LinkLifetime > TimeSpan.Zero && options.LinkLifetime <= TimeSpan.FromDays(7),
                "Files:LinkLifetime must be positive and at most 7 days.")
            .ValidateOnStart();
        services.AddSingleton<FileLinks>();
        return services;
    }

    private sealed class PipelineOptionsValidator : IValidateOptions<ImagePipelineOptions>
    {
        public ValidateOptionsResult Validate(string? name, ImagePipelineOptions options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
