using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TryOn.Grains.Hosting;

namespace TryOn.Grains.Generations;

/// <summary>
/// Watches the cluster's membership; when a silo is declared dead (or has left after a stop), one surviving silo (the
/// active one with the lowest address, so the pass runs once) asks every unfinished generation to recover and reconciles
/// every open reservation (<see cref="GenerationRecoverySweeper.RecoverAfterSiloLossAsync"/>): the dead silo's queued
/// and running work is queued again on the live silos, and a credit held by an admission that died with it is given
/// back, within seconds of the cluster noticing, whether or not anyone polls.
/// </summary>
internal sealed partial class SiloLossRecovery(
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    GenerationRecoverySweeper recovery,
    IHostApplicationLifetime lifetime,
    ILogger<SiloLossRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await lifetime.WaitForStartAsync(stoppingToken);
        var previous = membership.CurrentSnapshot;
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
        {
            var died = snapshot.CreateUpdate(previous).Changes
                .Where(change => change.Status == SiloStatus.Dead && !change.SiloAddress.Equals(silo.SiloAddress))
                .Select(change => change.SiloAddress)
                .ToList();
            previous = snapshot;
            if (died.Count == 0 || !IsFirstActive(snapshot))
            {
                continue;
            }

            try
            {
                var (recovered, released) = await recovery.RecoverAfterSiloLossAsync(stoppingToken);
                LogRecovered(logger, string.Join(", ", died), recovered, released);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The periodic recovery pass and the next poll of each generation still reach them.
                LogRecoveryFailed(logger, exception, string.Join(", ", died));
            }
        }
    }

    private bool IsFirstActive(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .Select(member => member.SiloAddress)
            .Order()
            .FirstOrDefault() is { } first
        && first.Equals(silo.SiloAddress);

    [LoggerMessage(1, LogLevel.Information, "Silo {Silos} was declared dead; asked {Count} unfinished generations to recover and released {Released} credits of admissions that died with it")]
    private static partial void LogRecovered(ILogger logger, string silos, int count, int released);

    [LoggerMessage(2, LogLevel.Warning, "Silo {Silos} was declared dead, and recovering its unfinished generations failed; the periodic pass and polls reach them")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception, string silos);
}
