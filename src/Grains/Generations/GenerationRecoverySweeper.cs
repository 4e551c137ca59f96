using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TryOn.Contracts;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.Generations;
using TryOn.Grains.Engines;
using TryOn.Grains.Maintenance;

namespace TryOn.Grains.Generations;

/// <summary>
/// Once per cluster at start-up and every minute (its <see cref="MaintenanceGrain"/>'s reminder), two passes driven by the read model (never by scanning grains). Generations left
/// unfinished for longer than an attempt may take are asked to recover: one that no scheduler holds is queued
/// again, one interrupted too often is failed with its credit released. And credits reserved for more than
/// <see cref="EngineOptions.ReservationGrace"/> are reconciled: a generation that exists recovers (and settles when finished);
/// an id under which no generation was ever stored is closed and its credit released. Running twice is harmless.
/// </summary>
internal sealed partial class GenerationRecoverySweeper(
    IGrainFactory grains,
    IGenerationReadModel readModel,
    IAccountReadModel accounts,
    IOptions<EngineOptions> options,
    [FromKeyedServices(DomainClock.ServiceKey)] TimeProvider clock,
    ILogger<GenerationRecoverySweeper> logger) : IPeriodicSweep
{
    private const int BatchSize = 200;

    public string Name => "generation-recovery";

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
            var account = grains.GetGrain<IAccountGrain>(accountId);
            foreach (var generationId in await account.ListOpenReservationsAsync(now - options.Value.ReservationGrace, cancellationToken))
            {
                var generation = grains.GetGrain<IGenerationGrain>(generationId);
                if (await generation.AbandonIfNotStartedAsync(accountId, cancellationToken))
                {
                    await generation.RecoverAsync(cancellationToken);
                }
                else
                {
                    // The id is closed and its credit given back.
                    released++;
                }
            }
        }

        return (ids.Count, released);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var (recovered, released) = await SweepAsync(cancellationToken);
        if (recovered + released > 0)
        {
            LogRecovered(logger, recovered, released);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Asked {Count} unfinished generations to recover; released {Released} orphaned reservations")]
    private static partial void LogRecovered(ILogger logger, int count, int released);

}
