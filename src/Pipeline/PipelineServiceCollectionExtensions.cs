using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TryOn.Pipeline.Fetching;
using TryOn.Pipeline.Images;

namespace TryOn.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// The image pipeline and the safe fetcher, one instance each per process, with their settings (<c>Images</c>,
    /// <c>Fetch</c>) bound and checked at start-up. Safe to call from several hosts sharing one container.
    /// </summary>
    public static IServiceCollection AddTryOnImagePipeline(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(descriptor => descriptor.ServiceType == typeof(ImagePipeline)))
        {
            return services;
        }

        services.AddOptions<ImagePipelineOptions>().BindConfiguration(ImagePipelineOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImagePipelineOptions>>(new SettingsValidator<ImagePipelineOptions>(options => options.Validate()));
        services.AddOptions<SafeImageFetcherOptions>().BindConfiguration(SafeImageFetcherOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SafeImageFetcherOptions>>(new SettingsValidator<SafeImageFetcherOptions>(options => options.Validate()));
        services.TryAddSingleton<ImagePipeline>();
        services.TryAddSingleton<SafeImageFetcher>();
        return services;
    }

    private sealed class SettingsValidator<TOptions>(Func<TOptions, IEnumerable<string>> validate) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var failures = validate(options).ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
