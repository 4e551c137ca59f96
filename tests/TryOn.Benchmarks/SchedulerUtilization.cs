using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TryOn.Grains.Inference;

namespace TryOn.Benchmarks;

/// <summary>
/// P5, slot use at saturation: the embedded service with a fixed-duration engine (the mock engine set to 250 ms) and
/// 2 slots receives 60 try-ons at once; slot use is the time slots spent running attempts divided by slots x the
/// time from the first request to the last completion. Run: <c>dotnet run -c Release --project tests/TryOn.Benchmarks -- scheduler</c>.
/// </summary>
public static class SchedulerUtilization
{
    private const int Generations = 60;
    private const int Slots = 2;

    public static async Task RunAsync()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tryon-bench", Guid.NewGuid().ToString("N"));
        await using var host = new Host(dataDirectory);
        host.StartServer();
        using var admin = host.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", File.ReadAllText(Path.Combine(dataDirectory, "admin-token.txt")).Trim());
        (await admin.PatchAsJsonAsync("/admin/v1/accounts/acct_dev", new { limits = new { maxInFlightGenerations = 1000 } })).EnsureSuccessStatusCode();
        using var merchant = host.CreateClient();
        merchant.DefaultRequestHeaders.Add("x-api-key", File.ReadAllText(Path.Combine(dataDirectory, "dev-api-key.txt")).Trim());

        using var form = new MultipartFormDataContent
        {
            { new StringContent("""{"externalId": "bench", "title": "mock", "images": [{"source": {"fileKey": "g"}}]}"""), "data" },
        };
        var photo = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "person-astronaut.png"));
        form.Add(new ByteArrayContent(photo), "g", "g.png");
        (await merchant.PostAsync(new Uri("/tryon/v1/products", UriKind.Relative), form)).EnsureSuccessStatusCode();
        using var upload = new MultipartFormDataContent { { new ByteArrayContent(photo), "file", "me.png" } };
        var imageId = (await (await merchant.PostAsync(new Uri("/tryon/v1/images/upload", UriKind.Relative), upload)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageId").GetString();

        var scheduler = host.Services.GetRequiredService<InferenceScheduler>();
        var busyBefore = scheduler.BusyTime;
        var completedBefore = scheduler.CompletedAttempts;
        var clock = Stopwatch.StartNew();
        var body = new { products = new[] { new { externalId = "bench" } }, person = new { image = new { source = new { id = imageId } } } };
        var ids = await Task.WhenAll(Enumerable.Range(0, Generations).Select(async _ =>
            (await (await merchant.PostAsJsonAsync("/tryon/v1/try-on", body)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("generationId").GetString()!));
        var submitted = clock.Elapsed;
        while (scheduler.CompletedAttempts - completedBefore < Generations && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(5);
        }

        var wall = clock.Elapsed;
        var busy = scheduler.BusyTime - busyBefore;
        var utilisation = busy.TotalMilliseconds / (Slots * wall.TotalMilliseconds);
        Console.WriteLine($"generations: {ids.Length}, slots: {Slots}, engine: mock 250 ms");
        Console.WriteLine($"all submitted after {submitted.TotalMilliseconds:0} ms; all finished after {wall.TotalMilliseconds:0} ms");
        Console.WriteLine($"slot busy time: {busy.TotalMilliseconds:0} ms; ideal wall time: {Generations * 250.0 / Slots:0} ms");
        Console.WriteLine($"slot use: {utilisation:P1}");
        Directory.Delete(dataDirectory, recursive: true);
    }

    private sealed class Host(string dataDirectory) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            UseKestrel(0);
            builder.UseContentRoot(AppContext.BaseDirectory);
            builder.UseSetting("DataDirectory", dataDirectory);
            builder.UseSetting("Orleans:SiloPort", FreePort());
            builder.UseSetting("Engines:MockDuration", "00:00:00.250");
            builder.UseSetting("Engines:Slots", Slots.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Engines:QueueCapacity", "200");
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }

        private static string FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
