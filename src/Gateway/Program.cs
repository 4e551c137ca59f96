using TryOn.Hosting.Telemetry;
using TryOn.Web;
using TryOn.Web.Hosting;

namespace TryOn.Gateway;

/// <summary>
/// The cluster gateway (docs/deployment.md): the HTTP API as an Orleans client of the silos, with PostgreSQL for the
/// membership table and the read model and Azure Blob Storage for images. It keeps nothing of its own, so any number
/// of them can run behind a load balancer.
/// </summary>
internal static class GatewayProgram
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddTryOnApi();
        builder.AddClusterGateway();
        builder.AddTryOnTelemetry("tryon-gateway");

        var app = builder.Build();
        app.MapTryOnApi();
        await app.RunAsync();
    }
}
