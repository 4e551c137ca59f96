using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;

namespace TryOn.Hosting.Operators;

/// <summary>
/// The Orleans Dashboard (Microsoft.Orleans.Dashboard) for operators: silos, grain activations, calls, latencies and
/// reminders. Off unless <c>OrleansDashboard:Enabled</c> is true, because it profiles every grain call. Every silo
/// collects for it; the API process serves it at <see cref="Path"/> behind the admin token (in embedded mode the one
/// process does both; in cluster mode the gateways serve it, silos only collect, as silos have no operator surface).
/// </summary>
public static class OrleansDashboard
{
    public const string SectionName = "OrleansDashboard";

    /// <summary>Where the API process serves the dashboard: under <c>/admin</c>, off the merchant surface.</summary>
    public const string Path = "/admin/orleans";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool>($"{SectionName}:Enabled");

    /// <summary>A silo collects the dashboard's counters when it is enabled.</summary>
    public static ISiloBuilder AddOrleansDashboardWhenEnabled(this ISiloBuilder silo, IConfiguration configuration) =>
        IsEnabled(configuration) ? silo.AddDashboard(Configure) : silo;

    /// <summary>A cluster gateway reads the silos' counters for the page it serves.</summary>
    public static IClientBuilder AddOrleansDashboardWhenEnabled(this IClientBuilder client, IConfiguration configuration) =>
        IsEnabled(configuration) ? client.AddDashboard(Configure) : client;

    /// <summary>Maps the dashboard's page and data under <see cref="Path"/>, when enabled; the caller adds the authorization.</summary>
    public static RouteGroupBuilder? MapOrleansDashboardWhenEnabled(this IEndpointRouteBuilder endpoints, IConfiguration configuration) =>
        IsEnabled(configuration) ? endpoints.MapOrleansDashboard(Path) : null;

    private static void Configure(DashboardOptions options) =>
        // The live log stream stays off: logs belong to the log pipeline, where their retention and access are set.
        options.HideTrace = true;
}
