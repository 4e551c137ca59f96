using TryOn.Api.Hosting;
using TryOn.Hosting.Telemetry;
using TryOn.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddTryOnApi();
builder.AddTryOnOrleans();
builder.AddTryOnTelemetry("tryon-api");

var app = builder.Build();
app.MapTryOnApi();
app.Run();

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
