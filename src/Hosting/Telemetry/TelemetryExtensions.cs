using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Telemetry;
using TryOn.Hosting.Health;

namespace TryOn.Hosting.Telemetry;

/// <summary>
/// OpenTelemetry for every host (the embedded service, the cluster gateway, the silo), in one place: traces of the
/// HTTP requests, the grain calls (Orleans' activity propagation, which each host's Orleans builder adds), the
/// generations (<see cref="GenerationTracing"/>) and the outgoing HTTP calls; metrics of the service
/// (<see cref="TryOnMetrics"/>), Orleans, ASP.NET Core, the HTTP client and the runtime. Two ways out: a Prometheus
/// scrape at <see cref="ScrapePath"/> (beside the health endpoints, off the merchant API), and OTLP, configured by the
/// standard <c>OTEL_*</c> variables and only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set: by default nothing is
/// sent anywhere. Spans are made and dropped when no exporter takes them, which costs microseconds a request.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>The Prometheus scrape endpoint on every host; no key, like the health endpoints.</summary>
    public const string ScrapePath = "/metrics";

    /// <summary>Orleans' meter: grain calls, activations, messaging, membership.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    private const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string ServiceNameSetting = "OTEL_SERVICE_NAME";

    /// <summary>
    /// Registers the traces and metrics of the host named <paramref name="serviceName"/> (the resource's
    /// <c>service.name</c>, unless <c>OTEL_SERVICE_NAME</c> says otherwise).
    /// </summary>
    public static IHostApplicationBuilder AddTryOnTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        var configuration = builder.Configuration;
        var exportsOtlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        var named = !string.IsNullOrWhiteSpace(configuration[ServiceNameSetting]);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (!named)
                {
                    resource.AddService(serviceName);
                }
            })
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(GenerationTracing.SourceName)
                    .AddSource(ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.StorageActivitySourceName)
                    .AddAspNetCoreInstrumentation(options =>
                    {
                        options.Filter = context => !IsOperational(context.Request.Path);
                        // Paths carry end-user ids (customers/{externalUserId}) and file tokens: spans keep the route only.
                        options.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.path", null);
                    })
                    .AddHttpClientInstrumentation();
                if (exportsOtlp)
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(TryOnMetrics.MeterName, OrleansMeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (exportsOtlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        return builder;
    }

    /// <summary><c>GET /metrics</c>: every meter above in the Prometheus text format.</summary>
    public static IEndpointRouteBuilder MapTelemetryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint(ScrapePath);
        return endpoints;
    }

    /// <summary>Scrapes and probes, which would otherwise be most of the traces.</summary>
    private static bool IsOperational(PathString path) =>
        path.StartsWithSegments(ScrapePath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(HealthEndpoints.PathPrefix, StringComparison.OrdinalIgnoreCase);
}
