using System.Diagnostics;
using System.Diagnostics.Metrics;
using TryOn.Contracts.Generations;

namespace TryOn.Contracts.Telemetry;

/// <summary>
/// The service's own metrics: one meter, <see cref="MeterName"/>, and every instrument's name, unit and tags here, so
/// docs/operations.md lists what this class holds. The instruments are static, as the activity source of
/// <see cref="GenerationTracing"/> is: a measurement nobody listens to costs next to nothing, and the hosts' OpenTelemetry
/// set-up (src/Hosting/Telemetry) subscribes to the meter by name. Tags are small closed sets (a status, a code, an
/// engine's name), never an account, a generation or a URL.
/// </summary>
public static class TryOnMetrics
{
    public const string MeterName = "TryOn";

    public const string StatusTag = "tryon.status";
    public const string ErrorCodeTag = "tryon.error_code";
    public const string EngineTag = "tryon.engine";
    public const string StageTag = "tryon.stage";
    public const string FetchPurposeTag = "tryon.fetch.purpose";
    public const string FetchOutcomeTag = "tryon.fetch.outcome";
    public const string CreditMovementTag = "tryon.credit.movement";
    public const string ReasonTag = "tryon.reason";
    public const string RateLimitClassTag = "tryon.rate_limit.class";

    /// <summary>The value of <see cref="EngineTag"/> for a generation stored before its engine was recorded.</summary>
    public const string UnknownEngine = "unknown";

    /// <summary>The value of <see cref="FetchOutcomeTag"/> for a fetch that brought the bytes.</summary>
    public const string FetchSucceeded = "ok";

    /// <summary>The values of <see cref="FetchPurposeTag"/>.</summary>
    public const string ProductImageFetch = "product";
    public const string PersonImageFetch = "person";

    public static class Names
    {
        public const string Generations = "tryon.generations";
        public const string GenerationDuration = "tryon.generation.duration";
        public const string QueueDepth = "tryon.inference.queue.depth";
        public const string QueueWait = "tryon.inference.queue.wait";
        public const string SlotsBusy = "tryon.inference.slots.busy";
        public const string Slots = "tryon.inference.slots";
        public const string Attempts = "tryon.inference.attempts";
        public const string SlotBusyTime = "tryon.inference.slot.busy_time";
        public const string EngineStageDuration = "tryon.engine.stage.duration";
        public const string Fetches = "tryon.fetches";
        public const string FetchDuration = "tryon.fetch.duration";
        public const string Credits = "tryon.credits";
        public const string CreditRefusals = "tryon.credit.refusals";
        public const string RateLimitRefusals = "tryon.rate_limit.refusals";
    }

    public static readonly Meter Meter = new(MeterName);

    /// <summary>Buckets for times in seconds, from a few milliseconds (a cached read) to a minute (a deadline).</summary>
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    };

    private static readonly Counter<long> GenerationsFinished = Meter.CreateCounter<long>(
        Names.Generations, "{generation}", "Generations that reached COMPLETED or FAILED.");

    private static readonly Histogram<double> GenerationTime = Meter.CreateHistogram<double>(
        Names.GenerationDuration, "s", "From admission (PENDING) to the outcome (COMPLETED or FAILED).", tags: null, Seconds);

    private static readonly UpDownCounter<long> Waiting = Meter.CreateUpDownCounter<long>(
        Names.QueueDepth, "{generation}", "Generations waiting in the inference queues.");

    private static readonly Histogram<double> Waited = Meter.CreateHistogram<double>(
        Names.QueueWait, "s", "From being queued to a slot taking the generation.", tags: null, Seconds);

    private static readonly UpDownCounter<long> Busy = Meter.CreateUpDownCounter<long>(
        Names.SlotsBusy, "{slot}", "Inference slots running an attempt now.");

    private static readonly UpDownCounter<long> SlotCount = Meter.CreateUpDownCounter<long>(
        Names.Slots, "{slot}", "Inference slots of the running schedulers.");

    private static readonly Counter<long> AttemptsRun = Meter.CreateCounter<long>(
        Names.Attempts, "{attempt}", "Attempts begun with the generation's request, whatever their outcome.");

    private static readonly Counter<double> BusyTime = Meter.CreateCounter<double>(
        Names.SlotBusyTime, "s", "Slot time spent on attempts (all slots together).");

    private static readonly Histogram<double> EngineStageTime = Meter.CreateHistogram<double>(
        Names.EngineStageDuration, "s", "Time in each stage of an engine run (the whole run is the stage generation.engine).", tags: null, Seconds);

    private static readonly Counter<long> FetchCount = Meter.CreateCounter<long>(
        Names.Fetches, "{fetch}", "Merchant-supplied image URLs fetched through the safe fetcher, by outcome.");

    private static readonly Histogram<double> FetchTime = Meter.CreateHistogram<double>(
        Names.FetchDuration, "s", "Time of a fetch through the safe fetcher, redirects and body included.", tags: null, Seconds);

    private static readonly Counter<long> CreditMovements = Meter.CreateCounter<long>(
        Names.Credits, "{credit}", "Credits reserved at admission, charged on COMPLETED, released on FAILED or an undone admission.");

    private static readonly Counter<long> CreditRefusalCount = Meter.CreateCounter<long>(
        Names.CreditRefusals, "{reservation}", "Credit reservations refused, by reason.");

    private static readonly Counter<long> RateLimitRefusalCount = Meter.CreateCounter<long>(
        Names.RateLimitRefusals, "{request}", "Requests answered 429 RATE_LIMITED, by budget.");

    /// <summary>A generation reached its outcome (recorded once, when the outcome is stored); a completed one has no error code tag.</summary>
    public static void GenerationFinished(string status, string? errorCode, string? engine, TimeSpan sinceAdmission)
    {
        var tags = new TagList { { StatusTag, status }, { EngineTag, engine ?? UnknownEngine } };
        if (errorCode is not null)
        {
            tags.Add(ErrorCodeTag, errorCode);
        }

        GenerationsFinished.Add(1, tags);
        GenerationTime.Record(sinceAdmission.TotalSeconds, new TagList { { StatusTag, status }, { EngineTag, engine ?? UnknownEngine } });
    }

    public static void Queued() => Waiting.Add(1);

    /// <summary>Left the queue: taken by a slot (with how long it waited), or handed to another silo (no wait).</summary>
    public static void Dequeued(TimeSpan? waited)
    {
        Waiting.Add(-1);
        if (waited is { } time)
        {
            Waited.Record(time.TotalSeconds);
        }
    }

    public static void SlotsStarted(int slots) => SlotCount.Add(slots);

    public static void SlotsStopped(int slots) => SlotCount.Add(-slots);

    public static void SlotTaken() => Busy.Add(1);

    public static void SlotFreed(TimeSpan busy)
    {
        Busy.Add(-1);
        BusyTime.Add(busy.TotalSeconds);
    }

    public static void AttemptBegun() => AttemptsRun.Add(1);

    /// <summary>
    /// A stage of an engine run, as a span of the generation's trace and a measurement of
    /// <see cref="Names.EngineStageDuration"/>; dispose it when the stage ends.
    /// </summary>
    public static EngineStageScope EngineStage(string engine, string stage) =>
        new(engine, stage, GenerationTracing.Stage(stage), Stopwatch.GetTimestamp());

    /// <summary>A fetch through the safe fetcher ended; <paramref name="failure"/> is null when it brought the bytes.</summary>
    public static void Fetched(string purpose, string? failure, TimeSpan elapsed)
    {
        var tags = new TagList { { FetchPurposeTag, purpose }, { FetchOutcomeTag, failure ?? FetchSucceeded } };
        FetchCount.Add(1, tags);
        FetchTime.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>The values of <see cref="CreditMovementTag"/>.</summary>
    public static class CreditMovement
    {
        public const string Reserved = "reserved";
        public const string Charged = "charged";
        public const string Released = "released";
    }

    /// <summary>A credit moved (after the account grain persisted it).</summary>
    public static void CreditMoved(string movement) => CreditMovements.Add(1, new TagList { { CreditMovementTag, movement } });

    public static void CreditRefused(string reason) => CreditRefusalCount.Add(1, new TagList { { ReasonTag, reason } });

    /// <summary>A request refused with 429: <paramref name="budget"/> is <c>reads</c>, <c>writes</c> or <c>adminToken</c>.</summary>
    public static void RateLimited(string budget) => RateLimitRefusalCount.Add(1, new TagList { { RateLimitClassTag, budget } });

    /// <summary>An engine stage in progress: its span, and the time it started.</summary>
    public readonly struct EngineStageScope(string engine, string stage, Activity? span, long started) : IDisposable
    {
        public void Dispose()
        {
            EngineStageTime.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new TagList { { EngineTag, engine }, { StageTag, stage } });
            span?.Dispose();
        }
    }
}
