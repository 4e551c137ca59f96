using System.Globalization;
using System.Net.Http.Json;
using TryOn.Contracts.Generations;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Cluster;

/// <summary>The cluster with every process exporting its traces over OTLP (http/protobuf) to one loopback collector.</summary>
public sealed class TracedClusterFixture : ClusterFixture
{
    /// <summary>Where the collector listens; the test starts it before the try-on (spans of the start are not needed).</summary>
    public int CollectorPort { get; } = ServiceProcess.FreePort();

    protected override IReadOnlyDictionary<string, string> SharedSettings => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{CollectorPort}"),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "600000",
    };
}

[CollectionDefinition(Name)]
public sealed class TracedClusterCollection : ICollectionFixture<TracedClusterFixture>
{
    public const string Name = "cluster-traced";
}

/// <summary>
/// One try-on is one trace across processes (docs/operations.md, "Traces"): the gateway's HTTP request, the silo's
/// admission and the attempt that ran it, with the standard OTLP exporter of each process, as an operator's collector
/// receives them.
/// </summary>
[Collection(TracedClusterCollection.Name)]
public sealed class ClusterTraceTests(TracedClusterFixture cluster)
{
    [Fact]
    public async Task A_try_on_through_a_gateway_is_one_trace_from_the_request_to_the_silo_s_attempt()
    {
        await using var collector = await OtlpCollector.StartAsync(cluster.CollectorPort);
        var shop = await cluster.CreateShopAsync("Traced shop", 5);
        using var merchant = cluster.Client(cluster.Apis[0], shop.Key);

        var started = await (await merchant.PostAsJsonAsync("/tryon/v1/try-on", shop.TryOnRequest)).ShouldBeOkAsync();
        var generationId = started.GetProperty("generationId").GetString()!;
        await Eventually.HoldsAsync(
            async () => (await (await merchant.GetAsync(new Uri($"/tryon/v1/generations/{generationId}", UriKind.Relative))).ShouldBeOkAsync())
                .GetProperty("status").GetString() == "COMPLETED",
            TimeSpan.FromSeconds(30),
            "the try-on to complete");

        // The gateway's request span is the top of our part of the trace, and the silo's attempt belongs to it. The
        // request may arrive with a parent from outside (a caller's traceparent: in a whole test run the test process
        // has tracers of its own, and a CI run saw such a parent), which is none of our spans.
        CollectedSpan? request = null;
        List<CollectedSpan> trace = [];
        await Eventually.HoldsAsync(
            () =>
            {
                var spans = collector.Spans.ToList();
                request = spans.FirstOrDefault(span => span.Service == "tryon-gateway" && span.Name == "POST /tryon/v1/try-on");
                trace = request is null ? [] : spans.Where(span => span.TraceId == request.TraceId).ToList();
                return Task.FromResult(trace.Any(span => span.Name == GenerationTracing.Finish));
            },
            TimeSpan.FromSeconds(30),
            () => $"the try-on's spans to be exported; the collector holds {Describe(collector.Spans)}");

        Assert.NotNull(request);
        var silo = trace.Where(span => span.Service == "tryon-silo").Select(span => span.Name).ToHashSet();
        Assert.Contains(GenerationTracing.ReserveCredit, silo);
        Assert.Contains(GenerationTracing.Attempt, silo);
        Assert.Contains(GenerationTracing.Finish, silo);
        Assert.Contains(trace, span => span.Service == "tryon-gateway" && span.Name == GenerationTracing.StartGeneration);

        // Every span of the trace hangs from another span of it, up to the request.
        var ids = trace.Select(span => span.SpanId).ToHashSet();
        Assert.All(trace.Where(span => span != request), span => Assert.True(span.ParentSpanId is { } parent && ids.Contains(parent), $"{span.Service} {span.Name} has no parent in the trace"));
        Assert.True(request.ParentSpanId is null || !ids.Contains(request.ParentSpanId), "the gateway's request span has a parent inside the trace");
        Assert.Single(trace, span => span.ParentSpanId is null || !ids.Contains(span.ParentSpanId));
    }

    private static string Describe(IReadOnlyCollection<CollectedSpan> spans) => spans.Count == 0
        ? "no span"
        : string.Join(", ", spans
            .Where(span => span.Name.StartsWith("POST /tryon", StringComparison.Ordinal) || span.Name.StartsWith("generation.", StringComparison.Ordinal))
            .Select(span => $"{span.Service} {span.Name} (trace {span.TraceId[..8]}, parent {span.ParentSpanId?[..8] ?? "none"})")
            .DefaultIfEmpty($"{spans.Count} spans, none of a try-on"));
}
