using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TryOn.Grains.Inference;

/// <summary><c>GET /metrics</c>: the silo's inference figures in the Prometheus text format.</summary>
public static class InferenceMetrics
{
    public static IEndpointRouteBuilder MapInferenceMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/metrics", (InferenceScheduler scheduler) =>
        {
            var load = scheduler.CurrentLoad;
            var text = new StringBuilder()
                .Append(Gauge("tryon_inference_waiting", "Generations waiting in this silo's queue.", load.Waiting))
                .Append(Gauge("tryon_inference_running", "Generations running in this silo's slots.", load.Running))
                .Append(Gauge("tryon_inference_slots", "Execution slots of this silo.", load.Slots))
                .Append(Counter("tryon_inference_attempts_total", "Attempts run since the silo started.", scheduler.CompletedAttempts))
                .Append(Counter("tryon_inference_busy_seconds_total", "Slot time spent running attempts.", scheduler.BusyTime.TotalSeconds))
                .ToString();
            return Results.Text(text, "text/plain; version=0.0.4; charset=utf-8");
        });
        return endpoints;
    }

    private static string Gauge(string name, string help, double value) => Metric(name, "gauge", help, value);

    private static string Counter(string name, string help, double value) => Metric(name, "counter", help, value);

    private static string Metric(string name, string type, string help, double value) =>
        string.Create(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");
}
