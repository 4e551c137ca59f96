using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TryOn.Contracts;

/// <summary>
/// The clock of the domain (expiry of images and products, retention, timestamps), registered as a keyed
/// <see cref="TimeProvider"/> so tests can move it without touching the clock Orleans runs on.
/// </summary>
public static class DomainClock
{
    public const string ServiceKey = "tryon.domain-clock";

    /// <summary>The system clock as both <see cref="TimeProvider"/> and the domain clock, unless already registered.</summary>
    public static IServiceCollection AddTryOnClocks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAdd(ServiceDescriptor.KeyedSingleton(ServiceKey, TimeProvider.System));
        return services;
    }
}
