using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TryOn.Contracts.Inference;
using TryOn.Grains.Hosting;

namespace TryOn.Grains.Inference;

/// <summary>Posts this silo's inference load to the board every second and keeps the cluster's reading current.</summary>
internal sealed partial class InferenceLoadReporter(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    InferenceScheduler scheduler,
    ClusterInferenceLoad cluster,
    IHostApplicationLifetime lifetime,
    ILogger<InferenceLoadReporter> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await lifetime.WaitForStartAsync(stoppingToken);

        var board = grains.GetGrain<IInferenceLoadBoardGrain>(IInferenceLoadBoardGrain.Key);
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                cluster.Update(await board.PostAsync(silo.SiloAddress, scheduler.CurrentLoad));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Placement keeps using the last reading; the next post usually succeeds.
                LogPostFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(1, LogLevel.Debug, "Posting this silo's inference load failed")]
    private static partial void LogPostFailed(ILogger logger, Exception exception);
}
