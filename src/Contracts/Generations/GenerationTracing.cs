using System.Diagnostics;

namespace TryOn.Contracts.Generations;

/// <summary>
/// The stages of a generation as spans of the activity source <see cref="SourceName"/>: the admission's credit and
/// start, the queue wait, the grain's transitions, loading the images, the engine's own stages, the result's check,
/// watermark and store. Each attempt is a span that carries <see cref="GenerationIdTag"/>: a child of the try-on
/// request that queued it (so the request, the grain calls, the admission and the attempt are one trace, across
/// processes with Orleans' activity propagation), or the root of a trace of its own when recovery queued it. Nothing
/// is recorded, and next to nothing spent, unless a listener (OpenTelemetry, the benchmark program) subscribes.
/// </summary>
public static class GenerationTracing
{
    public const string SourceName = "TryOn.Generations";

    public const string GenerationIdTag = "tryon.generation_id";

    /// <summary>Admission: the account grain reserves the credit (persisted).</summary>
    public const string ReserveCredit = "admission.reserve_credit";

    /// <summary>Admission: the generation grain persists PENDING, lists it and queues it.</summary>
    public const string StartGeneration = "admission.start_generation";

    /// <summary>An attempt, from the moment it was queued to its outcome delivered.</summary>
    public const string Attempt = "generation.attempt";

    /// <summary>From being queued to a slot taking it.</summary>
    public const string QueueWait = "generation.queue_wait";

    /// <summary>The generation grain persists PROCESSING and lists it.</summary>
    public const string BeginAttempt = "generation.begin_attempt";

    /// <summary>The stored shopper photo read from the blob store.</summary>
    public const string LoadShopper = "generation.load_shopper";

    /// <summary>The product image: its cached copy, or a fetch through the safe fetcher.</summary>
    public const string LoadProduct = "generation.load_product";

    /// <summary>The whole engine run (its own stages are <c>engine.*</c>).</summary>
    public const string Engine = "generation.engine";

    /// <summary>Inside the engine: the images decoded and normalised into model tensors.</summary>
    public const string EngineDecode = "engine.decode";

    /// <summary>Inside the engine: the garment's cut-out (ISNet when installed; the pose-warp engine's own otherwise).</summary>
    public const string EngineCutout = "engine.cutout";

    /// <summary>Inside the pose-warp engine: the garment's keypoints and the warp onto the body (the keypoint maths).</summary>
    public const string EngineFit = "engine.fit";

    /// <summary>Inside the engine: the ONNX Runtime run of the try-on graph.</summary>
    public const string EngineOnnx = "engine.onnx";

    /// <summary>The engine's pixels checked, the watermark stamped on them when asked, and encoded once (JPEG).</summary>
    public const string Encode = "generation.encode";

    /// <summary>The account's logo read (only when the account has one and the call wants it); it is stamped as the result is encoded.</summary>
    public const string Watermark = "generation.watermark";

    /// <summary>The result written to the blob store.</summary>
    public const string Store = "generation.store";

    /// <summary>The generation grain persists the outcome, lists it and settles the credit.</summary>
    public const string Finish = "generation.finish";

    /// <summary>A merchant-supplied image URL fetched through the safe fetcher (a product image, or the shopper's photo at intake).</summary>
    public const string Fetch = "fetch.image";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A stage of the current trace; null (and free) when nobody listens.</summary>
    public static Activity? Stage(string name) => Source.StartActivity(name);

    /// <summary>
    /// The span of an attempt that a slot takes now, started when the generation was queued (<paramref name="queued"/>
    /// ago), with its queue wait as the first stage; under <paramref name="queuedBy"/>, the span that was current when
    /// it was queued (none: the attempt is a trace's root).
    /// </summary>
    public static Activity? StartAttempt(string generationId, TimeSpan queued, ActivityContext queuedBy = default)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var queuedAt = DateTimeOffset.UtcNow - queued;
        var attempt = Source.StartActivity(Attempt, ActivityKind.Internal, queuedBy, startTime: queuedAt);
        attempt?.SetTag(GenerationIdTag, generationId);
        Source.StartActivity(QueueWait, ActivityKind.Internal, parentContext: default, startTime: queuedAt)?.Dispose();
        return attempt;
    }
}
