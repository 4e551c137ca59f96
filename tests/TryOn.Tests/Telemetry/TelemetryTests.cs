using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Telemetry;
using TryOn.Tests.Engines;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Telemetry;

/// <summary>
/// The embedded service's OpenTelemetry, read through in-memory exporters added beside its own. The meter's instruments
/// are static, so these tests run alone (no other test's service counts into them) and assert exact changes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}

[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests(TelemetryTests.Service service) : IClassFixture<TelemetryTests.Service>
{
    [Fact]
    public async Task A_try_on_is_one_trace_from_its_request_through_the_grain_calls_to_each_engine_stage()
    {
        var generationId = await service.RunTryOnAsync();

        Activity? attempt = null;
        await Eventually.HoldsAsync(
            () => Task.FromResult((attempt = service.Spans.Snapshot().FirstOrDefault(span =>
                span.OperationName == GenerationTracing.Attempt && (string?)span.GetTagItem(GenerationTracing.GenerationIdTag) == generationId)) is not null),
            TimeSpan.FromSeconds(10),
            "the attempt's span to end");
        var trace = service.Spans.Snapshot().Where(span => span.TraceId == attempt!.TraceId).ToList();

        // The try-on request is in it (the attempt hangs under the request, not in a trace of its own), with its route, not its path.
        var request = Assert.Single(trace, span => span.Kind == ActivityKind.Server && span.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal("/tryon/v1/try-on", request.GetTagItem("http.route"));
        Assert.Null(request.GetTagItem("url.path"));
        Assert.NotEqual(default, attempt!.ParentSpanId);
        Assert.Contains(trace, span => span.Source.Name == ActivitySources.ApplicationGrainActivitySourceName && span.Kind == ActivityKind.Server);
        Assert.Superset(
            new HashSet<string>
            {
                GenerationTracing.ReserveCredit, GenerationTracing.StartGeneration, GenerationTracing.Attempt, GenerationTracing.QueueWait,
                GenerationTracing.BeginAttempt, GenerationTracing.LoadShopper, GenerationTracing.LoadProduct, GenerationTracing.Engine,
                GenerationTracing.EngineDecode, GenerationTracing.EngineCutout, GenerationTracing.EngineFit, GenerationTracing.EngineOnnx,
                GenerationTracing.Encode, GenerationTracing.Store, GenerationTracing.Finish,
            },
            trace.Select(span => span.OperationName).ToHashSet());
    }

    [Fact]
    public async Task A_completed_try_on_is_counted_with_its_status_and_engine_and_its_credit_reserved_and_charged()
    {
        var before = service.CollectMetrics();

        await service.RunTryOnAsync();
        // The outcome is counted as it is stored; the poll can see it a moment before the credit is charged.
        var after = service.CollectMetrics();
        await Eventually.HoldsAsync(
            () => Task.FromResult(Charged(after = service.CollectMetrics()) > Charged(before)),
            TimeSpan.FromSeconds(10),
            "the credit to be charged");

        var completed = new Dictionary<string, string> { [TryOnMetrics.StatusTag] = "COMPLETED", [TryOnMetrics.EngineTag] = "pose-warp" };
        Assert.Equal(1, after.Sum(TryOnMetrics.Names.Generations, completed) - before.Sum(TryOnMetrics.Names.Generations, completed));
        Assert.Equal(0, after.Sum(TryOnMetrics.Names.Generations, new() { [TryOnMetrics.StatusTag] = "FAILED" })
            - before.Sum(TryOnMetrics.Names.Generations, new() { [TryOnMetrics.StatusTag] = "FAILED" }));
        Assert.Equal(1, Movement(after, TryOnMetrics.CreditMovement.Reserved) - Movement(before, TryOnMetrics.CreditMovement.Reserved));
        Assert.Equal(1, Charged(after) - Charged(before));
        Assert.Equal(0, Movement(after, TryOnMetrics.CreditMovement.Released) - Movement(before, TryOnMetrics.CreditMovement.Released));
        foreach (var stage in new[] { GenerationTracing.EngineDecode, GenerationTracing.EngineCutout, GenerationTracing.EngineOnnx, GenerationTracing.Engine })
        {
            var tags = new Dictionary<string, string> { [TryOnMetrics.EngineTag] = "pose-warp", [TryOnMetrics.StageTag] = stage };
            Assert.True(
                after.Count(TryOnMetrics.Names.EngineStageDuration, tags) - before.Count(TryOnMetrics.Names.EngineStageDuration, tags) == 1,
                $"One {stage} of the pose-warp engine should be timed.");
        }

        Assert.Equal(1, after.Count(TryOnMetrics.Names.QueueWait, []) - before.Count(TryOnMetrics.Names.QueueWait, []));
        Assert.Equal(0, after.Sum(TryOnMetrics.Names.QueueDepth, []));
        Assert.Equal(0, after.Sum(TryOnMetrics.Names.SlotsBusy, []));

        // The same figures on the Prometheus scrape, which needs no key and sits beside the health endpoints.
        using var anonymous = service.App.CreateHttpClient();
        using var scrape = await anonymous.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Contains(
            text.Split('\n'),
            line => line.StartsWith("tryon_generations_total{", StringComparison.Ordinal) && line.Contains("tryon_status=\"COMPLETED\"", StringComparison.Ordinal)
                && line.Contains("tryon_engine=\"pose-warp\"", StringComparison.Ordinal));
        Assert.True(PrometheusText.Parse(text).GetValueOrDefault("tryon_inference_slots") >= 1, "The scrape should show the silo's slots.");
    }

    [Fact]
    public async Task A_request_over_the_account_budget_counts_one_rate_limit_refusal()
    {
        var account = await (await service.Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "Slow shop", credits = 1, limits = new { readsPerMinute = 1 } }))
            .ShouldBeOkAsync(HttpStatusCode.Created);
        var accountId = account.GetProperty("accountId").GetString();
        var key = await (await service.Admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "server" })).ShouldBeOkAsync(HttpStatusCode.Created);
        using var merchant = service.App.CreateMerchantClient(key.GetProperty("key").GetString()!);
        var before = service.CollectMetrics();

        await (await merchant.GetAsync(new Uri("/tryon/v1/account/credits", UriKind.Relative))).ShouldBeOkAsync();
        using var refused = await merchant.GetAsync(new Uri("/tryon/v1/account/credits", UriKind.Relative));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var after = service.CollectMetrics();
        var reads = new Dictionary<string, string> { [TryOnMetrics.RateLimitClassTag] = "reads" };
        Assert.Equal(1, after.Sum(TryOnMetrics.Names.RateLimitRefusals, reads) - before.Sum(TryOnMetrics.Names.RateLimitRefusals, reads));
    }

    private static double Movement(Collected metrics, string movement) =>
        metrics.Sum(TryOnMetrics.Names.Credits, new() { [TryOnMetrics.CreditMovementTag] = movement });

    private static double Charged(Collected metrics) => Movement(metrics, TryOnMetrics.CreditMovement.Charged);

    /// <summary>The embedded service with in-memory trace and metric exporters, and the product and photo of a try-on.</summary>
    public sealed class Service : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new();
        private readonly LockedList<MetricSnapshot> _exported = new();
        private HttpClient _merchant = null!;
        private string _imageId = "";

        public LockedList<Activity> Spans { get; } = new();

        public TryOnApp App { get; private set; } = null!;

        public HttpClient Admin { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            App = new TryOnApp(_directory.Path, replaceServices: services => services
                .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans))
                .ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_exported)));
            Admin = App.CreateAdminClient();
            _merchant = App.CreateMerchantClient(App.DevelopmentApiKeyAfterStart());

            using var upload = new MultipartFormDataContent();
            var photo = new ByteArrayContent(TestImages.Read("person-astronaut.png"));
            photo.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            upload.Add(photo, "file", "me.png");
            _imageId = (await (await _merchant.PostAsync(new Uri("/tryon/v1/images/upload", UriKind.Relative), upload)).ShouldBeOkAsync()).GetProperty("imageId").GetString()!;
            using var product = new MultipartFormDataContent
            {
                { new StringContent("""{"externalId": "blue-tee", "title": "Blue cotton tee", "images": [{"source": {"fileKey": "front"}}]}"""), "data" },
            };
            product.Add(new ByteArrayContent(CompositeEngineTests.BlueTee()), "front", "blue-tee-front.png");
            await (await _merchant.PostAsync(new Uri("/tryon/v1/products", UriKind.Relative), product)).ShouldBeOkAsync();
        }

        /// <summary>One try-on of the blue tee, polled to COMPLETED; its id.</summary>
        public async Task<string> RunTryOnAsync()
        {
            var generationId = (await (await _merchant.PostAsJsonAsync("/tryon/v1/try-on", new
            {
                products = new[] { new { externalId = "blue-tee" } },
                person = new { image = new { source = new { id = _imageId } } },
            })).ShouldBeOkAsync()).GetProperty("generationId").GetString()!;
            string? status = null;
            await Eventually.HoldsAsync(
                async () => (status = (await (await _merchant.GetAsync(new Uri($"/tryon/v1/generations/{generationId}", UriKind.Relative))).ShouldBeOkAsync())
                    .GetProperty("status").GetString()) is "COMPLETED" or "FAILED",
                TimeSpan.FromSeconds(30),
                "the generation to finish");
            Assert.Equal("COMPLETED", status);
            return generationId;
        }

        /// <summary>Every metric as it stands now (cumulative since the service started).</summary>
        public Collected CollectMetrics()
        {
            _exported.Clear();
            // Flushing reports false because the Prometheus reader beside ours is scraped, never pushed; ours exports.
            App.Services.GetRequiredService<MeterProvider>().ForceFlush();
            var collected = _exported.Snapshot();
            Assert.Contains(collected, metric => metric.MeterName == TryOnMetrics.MeterName);
            return new Collected(collected);
        }

        public async Task DisposeAsync()
        {
            _merchant.Dispose();
            Admin.Dispose();
            await App.DisposeAsync();
            _directory.Dispose();
        }
    }

    /// <summary>One collection of every metric.</summary>
    public sealed class Collected(IReadOnlyList<MetricSnapshot> snapshots)
    {
        /// <summary>The sum of a counter's (or up-down counter's) points whose tags include <paramref name="tags"/>.</summary>
        public double Sum(string name, Dictionary<string, string> tags) =>
            Points(name, tags).Sum(found => found.Type is MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic
                ? found.Point.GetSumDouble()
                : found.Point.GetSumLong());

        /// <summary>How many measurements a histogram's points whose tags include <paramref name="tags"/> have.</summary>
        public long Count(string name, Dictionary<string, string> tags) => Points(name, tags).Sum(found => found.Point.GetHistogramCount());

        private IEnumerable<(MetricType Type, MetricPoint Point)> Points(string name, Dictionary<string, string> tags) =>
            snapshots.Where(metric => metric.Name == name && metric.MeterName == TryOnMetrics.MeterName)
                .SelectMany(metric => metric.MetricPoints.Select(point => (metric.MetricType, point)))
                .Where(found => tags.All(tag => Tags(found.point).TryGetValue(tag.Key, out var value) && value == tag.Value));

        private static Dictionary<string, string?> Tags(MetricPoint point)
        {
            var tags = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value?.ToString();
            }

            return tags;
        }
    }
}

/// <summary>A list an exporter adds to (from its own thread) while a test reads it.</summary>
public sealed class LockedList<T> : ICollection<T>
{
    private readonly List<T> _items = [];

    public int Count
    {
        get
        {
            lock (_items)
            {
                return _items.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public IReadOnlyList<T> Snapshot()
    {
        lock (_items)
        {
            return [.. _items];
        }
    }

    public void Add(T item)
    {
        lock (_items)
        {
            _items.Add(item);
        }
    }

    public void Clear()
    {
        lock (_items)
        {
            _items.Clear();
        }
    }

    public bool Contains(T item) => Snapshot().Contains(item);

    public void CopyTo(T[] array, int arrayIndex)
    {
        lock (_items)
        {
            _items.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(T item)
    {
        lock (_items)
        {
            return _items.Remove(item);
        }
    }

    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
