using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TryOn.Grains.Engines;
using TryOn.Grains.Hosting;

namespace TryOn.Grains.Generations;

/// <summary>
/// At start-up and every minute, two passes driven by the read model (never by scanning grains). Generations left
/// unfinished for longer than an attempt may take are asked to recover: one that no scheduler holds is queued
/// again, one interrupted too often is failed with its credit released. And credits reserved for more than
/// <see cref="EngineOptions.ReservationGrace"/> are reconciled: a generation that exists recovers (and settles when finished);
/// an id under which no generation was ever stored is closed and its credit released. Running twice is harmless.
/// </summary>
internal sealed partial class GenerationRecoverySweeper(
    IGrainFactory grains,
    IGenerationReadModel readModel,
    Accounts.IAccountReadModel accounts,
    IOptions<EngineOptions> options,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<GenerationRecoverySweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private const int BatchSize = 200;

    /// <summary>One pass; returns how many generations were asked to recover and how many reservations were released.</summary>
    public async Task<(int Recovered, int Released)> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var stale = now - options.Value.AttemptDeadline - TimeSpan.FromMinutes(1);
        var ids = await readModel.ListUnfinishedAsync(stale, BatchSize, cancellationToken);
        await Task.WhenAll(ids.Select(id => grains.GetGrain<IGenerationGrain>(id).RecoverAsync(cancellationToken)));

        var released = 0;
        foreach (var accountId in await accounts.ListAccountsWithReservationsAsync(BatchSize, cancellationToken))
        {
            var account = grains.GetGrain<Accounts.IAccountGrain>(accountId);
            foreach (var generationId in await account.ListOpenReservationsAsync(now - options.Value.ReservationGrace, cancellationToken))
            {
                var generation = grains.GetGrain<IGenerationGrain>(generationId);
                if (await generation.AbandonIfNotStartedAsync(cancellationToken))
                {
                    await generation.RecoverAsync(cancellationToken);
                }
                else if (await account.ReleaseCreditAsync(generationId, cancellationToken) == Accounts.CreditSettlement.Released)
                {
                    released++;
                }
            }
        }

        return (ids.Count, released);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass waits until the silo (and its storage) has started.
        await lifetime.WaitForStartAsync(stoppingToken);

        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var (recovered, released) = await SweepAsync(stoppingToken);
                if (recovered + released > 0)
                {
                    LogRecovered(logger, recovered, released);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSweepFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(1, LogLevel.Information, "Asked {Count} unfinished generations to recover; released {Released} orphaned reservations")]
    private static partial void LogRecovered(ILogger logger, int count, int released);

    [LoggerMessage(2, LogLevel.Warning, "The generation recovery sweep failed; it runs again in a minute")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
