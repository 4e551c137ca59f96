using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using NetVips;
using TryOn.Contracts.Generations;
using TryOn.Grains.Generations;

namespace TryOn.Benchmarks;

/// <summary>
/// P4, the time a generation spends outside the engine: the embedded service in this process (real Kestrel socket,
/// SQLite, blob files, the default CPU ONNX engine), the test photo uploaded, a product whose flat-lay T-shirt is
/// served by a loopback image server, an account logo (so results are watermarked), then generations one after the
/// other: POST /try-on, poll GET /generations/:id until COMPLETED. Stage times come from the service's own spans
/// (<see cref="GenerationTracing"/>); admission and the poll are timed by the client.
/// Run: <c>dotnet run -c Release --project tests/TryOn.Benchmarks -- e2e [--runs 30] [--warmup 5] [--poll-ms 10] [--isnet]</c>;
/// <c>--isnet</c> uses the optional ISNet cut-out installed in this checkout (models/install-isnet.sh), otherwise the
/// service runs as shipped, without it.
/// </summary>
public static class EndToEndGeneration
{
    public static async Task RunAsync(IReadOnlyList<string> args)
    {
        var runs = IntOption(args, "--runs", 30);
        var warmup = IntOption(args, "--warmup", 5);
        var pollInterval = TimeSpan.FromMilliseconds(IntOption(args, "--poll-ms", 10));
        var isnetDirectory = args.Contains("--isnet") ? IsnetCutoutTiming.FindInstalled() : "";

        var spans = new ConcurrentQueue<Span>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GenerationTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => spans.Enqueue(new Span(activity.OperationName, activity.StartTimeUtc, activity.StartTimeUtc + activity.Duration)),
        };
        ActivitySource.AddActivityListener(listener);

        var dataDirectory = Path.Combine(Path.GetTempPath(), "tryon-bench", Guid.NewGuid().ToString("N"));
        await using var garments = await GarmentServer.StartAsync();
        var host = new Host(dataDirectory, isnetDirectory);
        try
        {
            host.StartServer();
            using var admin = host.CreateClient();
            admin.DefaultRequestHeaders.Authorization = new("Bearer", File.ReadAllText(Path.Combine(dataDirectory, "admin-token.txt")).Trim());
            using var merchant = host.CreateClient();
            merchant.DefaultRequestHeaders.Add("x-api-key", File.ReadAllText(Path.Combine(dataDirectory, "dev-api-key.txt")).Trim());
            var imageId = await PrepareAsync(admin, merchant, garments.TeeUrl, runs + warmup);

            var body = new { products = new[] { new { externalId = "bench-tee" } }, person = new { image = new { source = new { id = imageId } } } };
            for (var i = 0; i < warmup; i++)
            {
                await GenerateAsync(merchant, body, pollInterval);
            }

            var results = new List<Run>();
            for (var i = 0; i < runs; i++)
            {
                while (spans.TryDequeue(out _))
                {
                }

                var run = await GenerateAsync(merchant, body, pollInterval);
                results.Add(run with { Spans = [.. spans.Where(span => span.Start >= run.StartedAt && span.Start <= run.SeenAt)] });
            }

            Report(results, runs, warmup, pollInterval, isnetDirectory.Length > 0);
        }
        finally
        {
            await host.DisposeAsync();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>Credits, a logo, the shopper photo and a product whose image the service has fetched and classified.</summary>
    private static async Task<string> PrepareAsync(HttpClient admin, HttpClient merchant, string teeUrl, int generations)
    {
        (await admin.PostAsJsonAsync("/admin/v1/accounts/acct_dev/credits", new { amount = generations, reason = "benchmark" })).EnsureSuccessStatusCode();
        using (var logo = new MultipartFormDataContent { { Png(Logo()), "file", "logo.png" } })
        {
            (await admin.PutAsync(new Uri("/admin/v1/accounts/acct_dev/logo", UriKind.Relative), logo)).EnsureSuccessStatusCode();
        }

        string imageId;
        using (var upload = new MultipartFormDataContent { { Png(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "person-astronaut.png"))), "file", "me.png" } })
        {
            var uploaded = await ReadAsync(await merchant.PostAsync(new Uri("/tryon/v1/images/upload", UriKind.Relative), upload));
            imageId = uploaded.GetProperty("imageId").GetString()!;
        }

        await ReadAsync(await merchant.PostAsJsonAsync("/tryon/v1/products", new
        {
            externalId = "bench-tee",
            title = "Blue cotton tee",
            images = new[] { new { source = new { url = teeUrl } } },
        }));
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var product = await ReadAsync(await merchant.GetAsync(new Uri("/tryon/v1/products/bench-tee", UriKind.Relative)));
            if (product.GetProperty("images")[0].GetProperty("classifications").TryGetProperty("flat_lay", out var flatLay) && flatLay.GetBoolean())
            {
                return imageId;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"The product image was not fetched and classified flat_lay within 30 s: {product}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<Run> GenerateAsync(HttpClient merchant, object body, TimeSpan pollInterval)
    {
        var startedAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var started = await ReadAsync(await merchant.PostAsJsonAsync("/tryon/v1/try-on", body));
        var admitted = clock.Elapsed;
        var id = started.GetProperty("generationId").GetString()!;
        var polls = 0;
        while (true)
        {
            await Task.Delay(pollInterval);
            polls++;
            var pollStart = clock.Elapsed;
            var generation = await ReadAsync(await merchant.GetAsync(new Uri($"/tryon/v1/generations/{id}", UriKind.Relative)));
            var status = generation.GetProperty("status").GetString();
            if (status == "COMPLETED")
            {
                return new Run(startedAt, DateTime.UtcNow, clock.Elapsed, admitted, clock.Elapsed - pollStart, polls, []);
            }

            if (status == "FAILED" || clock.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new InvalidOperationException($"Generation {id} did not complete: {generation}");
            }
        }
    }

    private static void Report(List<Run> results, int runs, int warmup, TimeSpan pollInterval, bool isnet)
    {
        Console.WriteLine($"generations: {runs} measured after {warmup} warm-up, one at a time; engine: pose-warp (CPU){(isnet ? " with the ISNet cut-out" : "")}; poll every {pollInterval.TotalMilliseconds:0} ms");
        Console.WriteLine($"{"stage",-60} {"mean",8} {"p50",8} {"p95",8}  (ms)");
        void Row(string label, Func<Run, double> measure)
        {
            var values = results.Select(measure).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-60} {values.Average(),8:0.00} {Percentile(values, 0.50),8:0.00} {Percentile(values, 0.95),8:0.00}"));
        }

        // The stages one after the other along a generation's life; admission and the queue wait overlap (the slot
        // takes the generation while the 200 is still being written), so their sum is not exactly the end to end.
        var stages = new List<(string Label, Func<Run, double> Measure)>
        {
            ("admission: POST /try-on until 200 (client)", run => run.Admission.TotalMilliseconds),
            ("queue wait (queued -> a slot takes it; overlaps admission)", run => run.Ms(GenerationTracing.QueueWait)),
            ("begin attempt (grain persists PROCESSING)", run => run.Ms(GenerationTracing.BeginAttempt)),
            ("load the shopper photo (blob read)", run => run.Ms(GenerationTracing.LoadShopper)),
            ("load the product image (cached copy)", run => run.Ms(GenerationTracing.LoadProduct)),
            ("engine: decode both images", run => run.Ms(GenerationTracing.EngineDecode)),
        };
        if (results.Any(run => run.Spans.Any(span => span.Name == GenerationTracing.EngineCutout)))
        {
            stages.Add(("engine: garment cut-out", run => run.Ms(GenerationTracing.EngineCutout)));
        }

        if (results.Any(run => run.Spans.Any(span => span.Name == GenerationTracing.EngineFit)))
        {
            stages.Add(("engine: garment keypoints and the warp onto the body (C#)", run => run.Ms(GenerationTracing.EngineFit)));
        }

        stages.AddRange(
        [
            ("engine: ONNX graph (CPU)", run => run.Ms(GenerationTracing.EngineOnnx)),
            ("watermark (logo read)", run => run.Ms(GenerationTracing.Watermark)),
            ("result checked, stamped and encoded once (JPEG)", run => run.Ms(GenerationTracing.Encode)),
            ("store the result (blob write)", run => run.Ms(GenerationTracing.Store)),
            ("finish (grain persists COMPLETED, charges the credit)", run => run.Ms(GenerationTracing.Finish)),
            ("poll: finish -> the GET that sees COMPLETED has answered", run => (run.SeenAt - run.End(GenerationTracing.Finish)).TotalMilliseconds),
        ]);
        foreach (var (label, measure) in stages)
        {
            Row(label, measure);
            if (label.StartsWith("admission", StringComparison.Ordinal))
            {
                Row("  of which: reserve the credit (account grain, persisted)", run => run.Ms(GenerationTracing.ReserveCredit));
                Row("  of which: start (generation grain persists PENDING, queues)", run => run.Ms(GenerationTracing.StartGeneration));
            }
        }

        Row("  of which: that GET's own round trip", run => run.LastPoll.TotalMilliseconds);
        Row("sum of the stages above", run => stages.Sum(stage => stage.Measure(run)));
        Row("end to end: POST sent -> COMPLETED seen (client)", run => run.Total.TotalMilliseconds);
        Row("  slot time of the attempt (begin attempt -> finish)", run => run.Ms(GenerationTracing.Attempt) - run.Ms(GenerationTracing.QueueWait));
        Row("  engine run as a whole (decode, cut-out, fit, ONNX)", run => run.Ms(GenerationTracing.Engine));
        Row("beyond engine compute: end to end - ONNX graph", run => run.Total.TotalMilliseconds - run.Ms(GenerationTracing.EngineOnnx));
        Row("beyond the engine run: end to end - whole engine run", run => run.Total.TotalMilliseconds - run.Ms(GenerationTracing.Engine));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"polls per generation: {results.Average(run => run.Polls):0.0}"));
    }

    private static double Percentile(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static int IntOption(IReadOnlyList<string> args, string name, int fallback)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                return int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
        }

        return fallback;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
            }

            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }

    private static ByteArrayContent Png(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    /// <summary>A 240x80 logo with transparency: an orange bar on a clear background.</summary>
    private static byte[] Logo()
    {
        using var clear = Image.Black(240, 80, bands: 4);
        using var bar = Image.Black(200, 40).NewFromImage(255, 140, 0, 255).Cast(Enums.BandFormat.Uchar);
        using var logo = clear.Cast(Enums.BandFormat.Uchar).Insert(bar, 20, 20);
        using var srgb = logo.Copy(interpretation: Enums.Interpretation.Srgb);
        return srgb.PngsaveBuffer();
    }

    private sealed record Span(string Name, DateTime Start, DateTime End);

    private sealed record Run(DateTime StartedAt, DateTime SeenAt, TimeSpan Total, TimeSpan Admission, TimeSpan LastPoll, int Polls, IReadOnlyList<Span> Spans)
    {
        public double Ms(string stage) => Spans.Where(span => span.Name == stage).Sum(span => (span.End - span.Start).TotalMilliseconds);

        public DateTime End(string stage) => Spans.Last(span => span.Name == stage).End;
    }

    /// <summary>A merchant's image host on 127.0.0.1 serving a flat-lay T-shirt (the engine's kind of product photo).</summary>
    private sealed class GarmentServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private GarmentServer(WebApplication app) => _app = app;

        public string TeeUrl => new Uri(new Uri(_app.Urls.First()), "/tee.png").ToString();

        public static async Task<GarmentServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var tee = BlueTee();
            app.MapGet("/tee.png", () => Results.Bytes(tee, "image/png"));
            await app.StartAsync();
            return new GarmentServer(app);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private static byte[] BlueTee()
        {
            using var background = Image.Black(600, 600).NewFromImage(255, 255, 255).Cast(Enums.BandFormat.Uchar);
            using var body = Image.Black(260, 380).NewFromImage(30, 70, 200).Cast(Enums.BandFormat.Uchar);
            using var sleeves = Image.Black(480, 110).NewFromImage(30, 70, 200).Cast(Enums.BandFormat.Uchar);
            using var withBody = background.Insert(body, 170, 150);
            using var tee = withBody.Insert(sleeves, 60, 150);
            return tee.PngsaveBuffer();
        }
    }

    private sealed class Host(string dataDirectory, string isnetDirectory) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            UseKestrel(0);
            builder.UseContentRoot(AppContext.BaseDirectory);
            builder.UseSetting("DataDirectory", dataDirectory);
            builder.UseSetting("Orleans:SiloPort", FreePort());
            // The garment is served from 127.0.0.1 on a random port: allowed for this benchmark only.
            builder.UseSetting("Fetch:AllowPrivateNetworks", "true");
            builder.UseSetting("Models:IsnetDirectory", isnetDirectory);
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }

        private static string FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        }
    }
}
