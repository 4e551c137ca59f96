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
/// After a silo's death <see cref="SiloLossRecovery"/> runs both passes at once without the age limits.
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

    /// <summary>The most generations one pass after a silo's death wakes; the periodic passes reach any beyond.</summary>
    private const int MaxAfterSiloLoss = 10_000;

    public string Name => "generation-recovery";

    /// <summary>One pass; returns how many generations were asked to recover and how many reservations were released.</summary>
    public async Task<(int Recovered, int Released)> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var recovered = await RecoverUnfinishedAsync(now - options.Value.AttemptDeadline - TimeSpan.FromMinutes(1), BatchSize, cancellationToken);

        var released = await ReconcileReservationsAsync(now - options.Value.ReservationGrace, cancellationToken);
        return (recovered, released);
    }

    /// <summary>
    /// After a silo's death: every unfinished generation, however recent, is asked to recover, so the dead silo's work is
    /// queued again at once (placed by load) instead of when it turns stale; the others answer as a no-op (their own
    /// silo's scheduler holds them, or their attempt runs on a live silo). And every open reservation, however recent,
    /// is reconciled, so a credit held by an admission that died with the silo is back within seconds, not after the
    /// grace: a reservation is made from inside its generation's admission, and that grain takes one call at a time, so
    /// an admission still running elsewhere is waited for, never cut short.
    /// </summary>
    public async Task<(int Recovered, int Released)> RecoverAfterSiloLossAsync(CancellationToken cancellationToken = default) =>
        (await RecoverUnfinishedAsync(DateTimeOffset.MaxValue, MaxAfterSiloLoss, cancellationToken),
         await ReconcileReservationsAsync(DateTimeOffset.MaxValue, cancellationToken));

    private async Task<int> RecoverUnfinishedAsync(DateTimeOffset changedBefore, int limit, CancellationToken cancellationToken)
    {
        var ids = await readModel.ListUnfinishedAsync(changedBefore, limit, cancellationToken);
        foreach (var batch in ids.Chunk(BatchSize))
        {
            await Task.WhenAll(batch.Select(id => grains.GetGrain<IGenerationGrain>(id).RecoverAsync(cancellationToken)));
        }

        return ids.Count;
    }

    /// <summary>
    /// Reservations made before <paramref name="reservedBefore"/>: a generation that exists recovers (and settles when
    /// finished); an id under which none was stored is closed and its credit released. Returns how many were released.
    /// </summary>
    private async Task<int> ReconcileReservationsAsync(DateTimeOffset reservedBefore, CancellationToken cancellationToken)
    {
        var released = 0;
        foreach (var accountId in await accounts.ListAccountsWithReservationsAsync(BatchSize, cancellationToken))
        {
            var account = grains.GetGrain<IAccountGrain>(accountId);
            foreach (var generationId in await account.ListOpenReservationsAsync(reservedBefore, cancellationToken))
            {
                var generation = grains.GetGrain<IGenerationGrain>(generationId);
                if (await generation.AbandonIfNotStartedAsync(accountId, cancellationToken))
                {
                    await generation.RecoverAsync(cancellationToken);
                }
                else
                {
                    released++;
                }
            }
        }

        return released;
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
