using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TryOn.Contracts.Generations;
using TryOn.Grains.Hosting;

namespace TryOn.Grains.Inference;

/// <summary>
/// Queued work follows capacity: every <see cref="Interval"/> the silo compares its queue with the load board and hands
/// generations that wait here to silos with less work per slot (<see cref="ClusterInferenceLoad.PlanHandOffs"/>), so a
/// silo that joins or rejoins takes its share of what is queued elsewhere, and a silo that took over a dead one's work
/// passes it on. A handed-off generation leaves this queue, its grain migrates to the receiving silo and queues itself
/// there under a new ticket (the older ticket can never begin, so nothing runs twice); a moment later it is asked to
/// recover, which queues it wherever it is if the move did not happen.
/// </summary>
internal sealed partial class InferenceQueueBalancer(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    InferenceScheduler scheduler,
    ClusterInferenceLoad cluster,
    IHostApplicationLifetime lifetime,
    ILogger<InferenceQueueBalancer> logger) : BackgroundService
{
    /// <summary>Two board readings: the receivers of one round have posted what they received before the next.</summary>
    private static readonly TimeSpan Interval = 2 * InferenceLoadReporter.Interval;

    /// <summary>How long after a hand-off the generation is asked to recover (a no-op once it is queued on arrival).</summary>
    private static readonly TimeSpan FollowUpDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await lifetime.WaitForStartAsync(stoppingToken);
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            HandOff(stoppingToken);
        }
    }

    /// <summary>Takes what the plan says from the queue and hands each generation to its receiver, without waiting.</summary>
    private void HandOff(CancellationToken stoppingToken)
    {
        var active = membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .Select(member => member.SiloAddress);
        foreach (var receiver in cluster.PlanHandOffs(silo.SiloAddress, scheduler.CurrentLoad, active).GroupBy(receiver => receiver))
        {
            var taken = scheduler.TakeForHandOff(receiver.Count());
            if (taken.Count > 0)
            {
                LogHandingOff(logger, taken.Count, receiver.Key);
                foreach (var (generationId, ticket) in taken)
                {
                    _ = HandOffAsync(generationId, ticket, receiver.Key, stoppingToken);
                }
            }
        }
    }

    /// <summary>Never throws: a generation whose hand-off fails stays PENDING in storage for a poll or the recovery sweep.</summary>
    private async Task HandOffAsync(string generationId, Guid ticket, SiloAddress receiver, CancellationToken stoppingToken)
    {
        var generation = grains.GetGrain<IGenerationGrain>(generationId);
        try
        {
            await generation.HandOffAsync(ticket, receiver, CancellationToken.None);
            await Task.Delay(FollowUpDelay, stoppingToken);
            await generation.RecoverAsync(CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping: the generation stays PENDING in storage for the next poll or the recovery sweep.
        }
        catch (Exception exception)
        {
            // The generation stays PENDING in storage: the next poll or the recovery sweep queues it again.
            LogHandOffFailed(logger, exception, generationId);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Handing {Count} queued generations to silo {Silo}, which has less work per slot")]
    private static partial void LogHandingOff(ILogger logger, int count, SiloAddress silo);

    [LoggerMessage(2, LogLevel.Warning, "Generation {GenerationId} could not be handed off; a poll or the recovery sweep queues it again")]
    private static partial void LogHandOffFailed(ILogger logger, Exception exception, string generationId);
}
