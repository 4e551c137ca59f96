using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TryOn.Grains.Engines;
using TryOn.Grains.Hosting;

namespace TryOn.Grains.Generations;

/// <summary>
/// At start-up and every minute, finds generations left unfinished for longer than an attempt may take (from the
/// read model, never by scanning grains) and asks each to recover: one that no scheduler holds is queued again, one
/// interrupted too often is failed with its credit released. Recovering twice is harmless.
/// </summary>
internal sealed partial class GenerationRecoverySweeper(
    IGrainFactory grains,
    IGenerationReadModel readModel,
    IOptions<EngineOptions> options,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<GenerationRecoverySweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private const int BatchSize = 200;

    /// <summary>One pass; returns how many generations were asked to recover.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var stale = clock.GetUtcNow() - options.Value.AttemptDeadline - TimeSpan.FromMinutes(1);
        var ids = await readModel.ListUnfinishedAsync(stale, BatchSize, cancellationToken);
        await Task.WhenAll(ids.Select(id => grains.GetGrain<IGenerationGrain>(id).RecoverAsync(cancellationToken)));
        return ids.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass waits until the silo (and its storage) has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var recovered = await SweepAsync(stoppingToken);
                if (recovered > 0)
                {
                    LogRecovered(logger, recovered);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSweepFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(1, LogLevel.Information, "Asked {Count} unfinished generations to recover")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "The generation recovery sweep failed; it runs again in a minute")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
