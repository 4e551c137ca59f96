using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TryOn.Grains.Engines;

public static class ModelsHealthCheckExtensions
{
    /// <summary>The <c>models</c> check of a host that runs engines: ready once their models are loaded and warmed.</summary>
    public static IHealthChecksBuilder AddModelsCheck(this IHealthChecksBuilder checks, params string[] tags) =>
        checks.AddCheck<ModelsHealthCheck>("models", tags: tags);
}

/// <summary>Ready once the engines' models are verified, loaded and warmed.</summary>
internal sealed class ModelsHealthCheck(OnnxModels models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(models.IsReady
            ? HealthCheckResult.Healthy($"Models run on the {models.ExecutionProvider} execution provider.")
            : HealthCheckResult.Unhealthy("The models are not loaded yet."));
}
