using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Inference;
using TryOn.Contracts.Telemetry;
using TryOn.Grains.Engines;
using TryOn.Grains.Generations;

namespace TryOn.Grains.Inference;

/// <summary>
/// The silo's inference scheduler: a bounded queue of generation ids, shared fairly between accounts (a
/// <see cref="FairQueue"/>: accounts take turns, first in first out within each), and a fixed number of execution
/// slots. A full queue refuses new work at admission instead of growing. Each attempt runs under a
/// deadline; the generation grain is asked for its request when a slot takes it (which marks it PROCESSING) and
/// is called back with progress and the outcome. Stopping the silo drains it: no queued generation is started any
/// more (they stay PENDING in storage and run on another silo when their grain is next called: a poll or the
/// recovery sweep), and running attempts
/// get <see cref="EngineOptions.DrainTimeout"/> to finish; the ones still running then are abandoned, stay PROCESSING
/// and are driven again elsewhere (processing is at least once). Its queue depth, waits, slot use and attempts are
/// measurements of <see cref="TryOnMetrics"/>; each attempt's span is a child of the span that queued it.
/// </summary>
internal sealed partial class InferenceScheduler(
    IGrainFactory grains,
    GenerationExecutor executor,
    IOptions<EngineOptions> options,
    ILogger<InferenceScheduler> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly FairQueue _waiting = new();
    /// <summary>Queued or running ids, with when they were queued, the ticket their grain gave them and the span that queued them.</summary>
    private readonly Dictionary<string, (long QueuedAt, Guid Ticket, ActivityContext QueuedBy)> _known = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _queued = new(0);

    /// <summary>Cancels running attempts: only when a stop has waited out the drain timeout.</summary>
    private readonly CancellationTokenSource _abandon = new();
    private long _busyTicks;
    private long _runs;
    private int _running;
    private bool _draining;

    public int Slots => options.Value.Slots;

    /// <summary>Attempts run since the silo started (begun with the generation's request, whatever their outcome).</summary>
    public long CompletedAttempts => Interlocked.Read(ref _runs);

    /// <summary>Slot time spent running attempts (all slots together).</summary>
    public TimeSpan BusyTime => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks));

    /// <summary>Generations waiting and running now, for placement across silos.</summary>
    public InferenceLoad CurrentLoad
    {
        get
        {
            lock (_gate)
            {
                return new InferenceLoad(_waiting.Count, Volatile.Read(ref _running), options.Value.Slots, Volatile.Read(ref _draining));
            }
        }
    }

    /// <summary>Whether the queue has a free place now (admission checks it before storing anything).</summary>
    public bool HasRoom
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count < options.Value.QueueCapacity;
            }
        }
    }

    /// <summary>
    /// Queues the account's generation under the grain's <paramref name="ticket"/>, which the slot presents when it asks
    /// the grain for its request (a grain that has queued itself again elsewhere since refuses an older ticket); false
    /// when the queue is full. Already queued or running counts as queued, under its first ticket.
    /// </summary>
    public bool TryEnqueue(string generationId, string accountId, Guid ticket)
    {
        lock (_gate)
        {
            if (_known.ContainsKey(generationId))
            {
                return true;
            }

            if (_waiting.Count >= options.Value.QueueCapacity)
            {
                return false;
            }

            _waiting.Enqueue(accountId, generationId);
            _known.Add(generationId, (Stopwatch.GetTimestamp(), ticket, Activity.Current?.Context ?? default));
        }

        TryOnMetrics.Queued();
        _queued.Release();
        return true;
    }

    public bool IsQueuedOrRunning(string generationId)
    {
        lock (_gate)
        {
            return _known.ContainsKey(generationId);
        }
    }

    /// <summary>
    /// Takes up to <paramref name="count"/> generations out of the queue, those that would start last first, for a
    /// hand-off to another silo; each with the ticket it was queued under. A generation a slot is already taking is
    /// never among them.
    /// </summary>
    public IReadOnlyList<(string GenerationId, Guid Ticket)> TakeForHandOff(int count)
    {
        var taken = new List<(string, Guid)>();
        lock (_gate)
        {
            // Each taken generation takes its count from the semaphore too, so no slot wakes for it; a count a slot has
            // already claimed is not there to take, and that slot finds the generation it woke for.
            while (taken.Count < count && _queued.Wait(0))
            {
                if (!_waiting.TryTakeLast(out var generationId))
                {
                    _queued.Release();
                    break;
                }

                taken.Add((generationId, _known[generationId].Ticket));
                _known.Remove(generationId);
                TryOnMetrics.Dequeued(waited: null);
            }
        }

        return taken;
    }

    /// <summary>1 for the next to run; null when not waiting (running, finished or unknown here).</summary>
    public int? QueuePositionOf(string generationId)
    {
        lock (_gate)
        {
            return _waiting.PositionOf(generationId);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Posted to the load board from now on (its reporter stops after this), so no new work is placed here.
        Volatile.Write(ref _draining, true);
        var load = CurrentLoad;
        LogDraining(logger, load.Running, load.Waiting, options.Value.DrainTimeout.TotalSeconds);
        _abandon.CancelAfter(options.Value.DrainTimeout);
        try
        {
            // Stops the slots from taking more work, then waits for the running attempts (or the host's patience).
            await base.StopAsync(cancellationToken);
        }
        finally
        {
            await _abandon.CancelAsync();
        }
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        _queued.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var slots = options.Value.Slots;
        TryOnMetrics.SlotsStarted(slots);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, slots).Select(_ => RunSlotAsync(stoppingToken)));
        }
        finally
        {
            TryOnMetrics.SlotsStopped(slots);
        }
    }

    private async Task RunSlotAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await _queued.WaitAsync(stoppingToken);
                string generationId;
                long queuedAt;
                Guid ticket;
                ActivityContext queuedBy;
                lock (_gate)
                {
                    _waiting.TryDequeue(out generationId);
                    (queuedAt, ticket, queuedBy) = _known[generationId];
                }

                var started = Stopwatch.GetTimestamp();
                var waited = Stopwatch.GetElapsedTime(queuedAt, started);
                Interlocked.Increment(ref _running);
                TryOnMetrics.Dequeued(waited);
                TryOnMetrics.SlotTaken();
                var trace = GenerationTracing.StartAttempt(generationId, waited, queuedBy);
                try
                {
                    await RunAttemptAsync(generationId, ticket, _abandon.Token);
                }
                catch (Exception exception) when (!_abandon.IsCancellationRequested)
                {
                    // The outcome could not be delivered (a grain call failed or timed out); the generation stays
                    // unfinished in storage for recovery, and the slot carries on.
                    LogAttemptFailed(logger, exception, generationId);
                }
                finally
                {
                    Interlocked.Decrement(ref _running);
                    lock (_gate)
                    {
                        _known.Remove(generationId);
                    }

                    trace?.Dispose();
                    var busy = Stopwatch.GetElapsedTime(started);
                    Interlocked.Add(ref _busyTicks, busy.Ticks);
                    TryOnMetrics.SlotFreed(busy);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    private async Task RunAttemptAsync(string generationId, Guid ticket, CancellationToken abandonToken)
    {
        var generation = grains.GetGrain<IGenerationGrain>(generationId);
        GenerationRequest? request;
        try
        {
            using (GenerationTracing.Stage(GenerationTracing.BeginAttempt))
            {
                request = await generation.BeginAttemptAsync(ticket, CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogAttemptNotStarted(logger, exception, generationId);
            return;
        }

        if (request is null)
        {
            // Finished, or queued again elsewhere since: not an attempt.
            return;
        }

        Interlocked.Increment(ref _runs);
        TryOnMetrics.AttemptBegun();

        var deadline = options.Value.AttemptDeadline;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(abandonToken);
        attempt.CancelAfter(deadline);
        GenerationOutcome outcome;
        try
        {
            outcome = await executor.RunAsync(generationId, request, new GrainProgress(generation), attempt.Token);
        }
        catch (OperationCanceledException) when (abandonToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            outcome = GenerationOutcome.Failed(ErrorCodes.GenerationFailed, $"The generation did not finish within {deadline.TotalSeconds:0} s.");
        }
        catch (Exception exception)
        {
            LogAttemptFailed(logger, exception, generationId);
            outcome = GenerationOutcome.Failed(ErrorCodes.GenerationFailed, "The engine failed while generating the image.");
        }

        using (GenerationTracing.Stage(GenerationTracing.Finish))
        {
            await generation.FinishAsync(outcome, CancellationToken.None);
        }
    }

    /// <summary>Progress goes to the grain as one-way notices (<c>[OneWay]</c>: nothing waits for an answer).</summary>
    private sealed class GrainProgress(IGenerationGrain generation) : IProgress<double>
    {
        public void Report(double value) => _ = generation.ReportProgressAsync(value);
    }

    [LoggerMessage(3, LogLevel.Information, "Stopping: draining {Running} running attempts for up to {Seconds} s; {Waiting} queued generations are handed back")]
    private static partial void LogDraining(ILogger logger, int running, int waiting, double seconds);

    [LoggerMessage(1, LogLevel.Warning, "Generation {GenerationId} could not be started; it stays queued in storage for recovery")]
    private static partial void LogAttemptNotStarted(ILogger logger, Exception exception, string generationId);

    [LoggerMessage(2, LogLevel.Error, "Generation {GenerationId} failed in its engine")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string generationId);
}
